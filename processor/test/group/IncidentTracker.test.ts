import { describe, expect, it } from 'vitest';
import { IncidentTracker } from '../../src/group/IncidentTracker.ts';
import { LiveEventBus } from '../../src/publish/LiveEventBus.ts';
import type { AuditEntry, Incident, IncidentRepository, Occurrence, UnsequencedLiveEvent } from '../../src/types.ts';
import { InMemoryIncidentRepository } from '../support/InMemoryIncidentRepository.ts';
import { fatal, internalError, missingPrice, nanosOf, otherServiceException, paymentFailed } from '../support/posRecords.ts';
import { T0, trackerHarness } from '../support/trackerHarness.ts';

describe('IncidentTracker: grouping', () => {
  it('turns 10,000 identical errors into one incident with count 10,000 and exactly one incident.created', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const stores = ['STORE_001', 'STORE_002', 'STORE_003', 'STORE_004'];
    let flushes = 0;
    for (let batch = 0; batch < 100; batch++) {
      const records = Array.from({ length: 100 }, (_, i) => missingPrice({ storeId: stores[(batch * 100 + i) % 4] }));
      h.record(...records);
      if (batch % 10 === 9) {
        h.advance(250);
        await h.tracker.flush();
        flushes++;
      }
    }

    const incidents = h.tracker.list();
    expect(incidents).toHaveLength(1);
    const [incident] = incidents as [Incident];
    expect(incident.count).toBe(10_000);
    expect(incident.storeCounts).toEqual({ STORE_001: 2500, STORE_002: 2500, STORE_003: 2500, STORE_004: 2500 });
    expect(incident.errorType).toBe('MISSING_PRICE');
    expect(incident.severity).toBe('CRITICAL');
    expect(incident.title).toBe('Product <num> (Mystery Product) has no price');

    expect(h.ofType('incident.created')).toHaveLength(1);
    const detected = h.ofType('error.detected');
    expect(detected.reduce((sum, event) => sum + event.occurrences, 0)).toBe(10_000);
    expect(detected.length).toBeLessThanOrEqual(1 + flushes);
    expect(h.ofType('incident.updated').length).toBeLessThanOrEqual(flushes);

    const stored = h.repository.latest().get(incident.id);
    expect(stored?.count).toBe(10_000);
    expect(h.repository.occurrences).toHaveLength(10_000);
    expect(h.repository.audit.filter((entry) => entry.stage === 'detected')).toHaveLength(1);
    // One version per changed incident per flush, in three calls at most.
    expect(h.repository.versions).toHaveLength(flushes);
    expect(h.repository.calls.saveIncidents).toBe(flushes);
  });

  it('announces a lone error at once, and holds back a storm until the next tick', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice());
    expect(h.events.map((event) => event.type)).toEqual(['incident.created', 'error.detected']);
    for (let i = 0; i < 9_999; i++) h.record(missingPrice());
    expect(h.events).toHaveLength(2);

    h.advance(250);
    await h.tracker.flush();
    expect(h.events.map((event) => event.type)).toEqual(['incident.created', 'error.detected', 'error.detected', 'incident.updated']);
    expect(h.ofType('error.detected').map((event) => event.occurrences)).toEqual([1, 9_999]);
    expect(h.ofType('incident.updated')[0]).toMatchObject({ change: 'occurrences', incident: { count: 10_000 } });

    // Right after a tick that announced, the incident is still hot: a new error waits for the next tick.
    h.record(missingPrice());
    expect(h.events).toHaveLength(4);
    await h.tracker.flush();
    expect(h.events).toHaveLength(6);
    // A tick with nothing new cools it down; the next error is announced at once.
    await h.tracker.flush();
    expect(h.events).toHaveLength(6);
    h.record(missingPrice());
    expect(h.events.slice(6).map((event) => event.type)).toEqual(['error.detected', 'incident.updated']);
  });

  it('describes an occurrence in error.detected with the latest record of those it stands for', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice({ storeId: 'STORE_002', kioskId: 'KIOSK_006', traceId: 'a'.repeat(32) }));
    const [detected] = h.ofType('error.detected');
    expect(detected).toMatchObject({
      errorType: 'MISSING_PRICE',
      severity: 'CRITICAL',
      service: 'demo-pos',
      storeId: 'STORE_002',
      kioskId: 'KIOSK_006',
      traceId: 'a'.repeat(32),
      body: 'Product 999 (Mystery Product) has no price',
      occurrences: 1,
      at: T0,
    });
    expect(detected?.incidentId).toBe(h.tracker.list()[0]?.id);
  });

  it('splits the store and kiosk breakdown of one incident', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(
      missingPrice({ storeId: 'STORE_001', kioskId: 'KIOSK_001' }),
      missingPrice({ storeId: 'STORE_001', kioskId: 'KIOSK_002' }),
      missingPrice({ storeId: 'STORE_001', kioskId: 'KIOSK_001' }),
      missingPrice({ storeId: 'STORE_005', kioskId: 'KIOSK_001' }),
    );
    h.record(fatal({ storeId: 'STORE_002', kioskId: 'KIOSK_003' }));
    const byType = new Map(h.tracker.list().map((incident) => [incident.errorType, incident]));
    expect(byType.get('MISSING_PRICE')?.storeCounts).toEqual({ STORE_001: 3, STORE_005: 1 });
    // Every store has a KIOSK_001: a kiosk is counted with its store.
    expect(byType.get('MISSING_PRICE')?.kioskCounts).toEqual({
      'STORE_001/KIOSK_001': 2,
      'STORE_001/KIOSK_002': 1,
      'STORE_005/KIOSK_001': 1,
    });
    expect(byType.get('LOG_FATAL')?.storeCounts).toEqual({ STORE_002: 1 });
  });

  it('splits different errors into different incidents', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice(), paymentFailed(), missingPrice(), otherServiceException(), internalError());
    expect(
      h.tracker
        .list()
        .map((incident) => [incident.errorType, incident.count])
        .sort(),
    ).toEqual([
      ['ConnectionRefusedError', 1],
      ['INTERNAL_ERROR', 1],
      ['MISSING_PRICE', 2],
      ['PAYMENT_FAILED', 1],
    ]);
    expect(h.ofType('incident.created')).toHaveLength(4);
  });

  it('keeps the newest samples first with their trace ids, the exception type and the time to detect', async () => {
    const h = trackerHarness({ maxSamples: 3 });
    await h.tracker.start();
    const records = [0, 1, 2, 3].map((i) => otherServiceException({ timestampMs: T0 - 1500 + i * 100, traceId: `${i}`.repeat(32) }));
    h.record(records[0]!, records[1]!);
    h.record(records[2]!, records[3]!);
    const [incident] = h.tracker.list() as [Incident];
    expect(incident.samples.map((sample) => sample.traceId)).toEqual(['3'.repeat(32), '2'.repeat(32), '1'.repeat(32)]);
    expect(incident.samples[0]).toMatchObject({
      timestamp: new Date(T0 - 1200).toISOString(),
      body: 'connect ECONNREFUSED 10.0.3.17:5432',
      storeId: '',
      attributes: { 'exception.type': 'ConnectionRefusedError' },
    });
    expect(incident.exceptionType).toBe('ConnectionRefusedError');
    expect(incident.timeToDetectMs).toBe(1500);
    expect(incident.firstSeen).toBe(new Date(T0 - 1500).toISOString());
    expect(incident.lastSeen).toBe(new Date(T0 - 1200).toISOString());
    expect(incident.ruleId).toBe('generic-exception');
    expect(incident.ticketPolicy).toEqual({ mode: 'manual' });
  });

  it('keeps first and last seen right when records arrive out of order, and never reports a negative time to detect', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice({ timestampMs: T0 + 5000 })); // a host whose clock runs ahead
    h.record(missingPrice({ timestampMs: T0 - 60_000 }));
    const [incident] = h.tracker.list() as [Incident];
    expect(incident.timeToDetectMs).toBe(0);
    expect(incident.firstSeen).toBe(new Date(T0 - 60_000).toISOString());
    expect(incident.lastSeen).toBe(new Date(T0 + 5000).toISOString());
  });

  it('writes occurrence rows with the record context', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const record = paymentFailed({ storeId: 'STORE_003', kioskId: 'KIOSK_002' });
    h.record(record);
    await h.tracker.flush();
    const [occurrence] = h.repository.occurrences as [Occurrence];
    expect(occurrence).toEqual({
      incidentId: h.tracker.list()[0]?.id,
      timestamp: record.Timestamp,
      detectedAt: T0,
      service: 'demo-pos',
      errorType: 'PAYMENT_FAILED',
      severity: 'HIGH',
      storeId: 'STORE_003',
      kioskId: 'KIOSK_002',
      traceId: record.TraceId,
      spanId: record.SpanId,
      body: record.Body,
      errorCode: 'PAYMENT_FAILED',
    });
  });
});

describe('IncidentTracker: restart', () => {
  it('keeps incidents across a restart: the count continues, no second incident.created', async () => {
    const repository = new InMemoryIncidentRepository();
    const first = trackerHarness({ repository });
    await first.tracker.start();
    first.record(missingPrice(), missingPrice(), missingPrice());
    const id = first.tracker.list()[0]?.id as string;
    first.tracker.resolve(id, 'api');
    first.tracker.acknowledge(id, 'api');
    await first.tracker.close();

    const second = trackerHarness({ repository });
    await second.tracker.start();
    expect(second.tracker.get(id)).toMatchObject({ count: 3, status: 'acknowledged' });
    second.record(missingPrice(), missingPrice());
    expect(second.tracker.get(id)?.count).toBe(5);
    expect(second.ofType('incident.created')).toHaveLength(0);
    expect(second.ofType('error.detected')).toHaveLength(1);
    await second.tracker.close();

    expect(repository.latest().get(id)?.count).toBe(5);
    expect(repository.audit.filter((entry) => entry.stage === 'detected')).toHaveLength(1);
    expect(repository.occurrences).toHaveLength(5);
  });

  it('takes the latest of several stored versions of an incident', async () => {
    const repository = new InMemoryIncidentRepository();
    const h = trackerHarness({ repository });
    await h.tracker.start();
    h.record(missingPrice());
    await h.tracker.flush();
    h.advance(1000);
    h.record(missingPrice());
    await h.tracker.close();
    // Hand back the older version after the newer one, as an unmerged table might.
    const stale: IncidentRepository = {
      ...repository,
      loadIncidents: async () => [...repository.versions].reverse(),
      saveIncidents: async () => {},
      appendOccurrences: async () => {},
      appendAudit: async () => {},
    };
    const restarted = new IncidentTracker({ repository: stale, publish: () => {} });
    await restarted.start();
    expect(restarted.list().map((incident) => incident.count)).toEqual([2]);
    await restarted.close();
  });

  it('queues detections recorded before start() finishes and applies them once the incidents are loaded', async () => {
    const repository = new InMemoryIncidentRepository();
    const first = trackerHarness({ repository });
    await first.tracker.start();
    first.record(missingPrice());
    await first.tracker.close();

    const second = trackerHarness({ repository });
    second.record(missingPrice(), missingPrice());
    expect(second.events).toHaveLength(0);
    await second.tracker.start();
    expect(second.tracker.list()[0]?.count).toBe(3);
    expect(second.ofType('incident.created')).toHaveLength(0);
    await second.tracker.close();
  });

  it('fails start() when the incidents cannot be loaded, and can start again', async () => {
    const h = trackerHarness();
    h.repository.failing = true;
    await expect(h.tracker.start()).rejects.toThrow('loadIncidents: the store is down');
    h.repository.failing = false;
    await h.tracker.start();
    expect(h.tracker.start()).toBe(h.tracker.start());
    await h.tracker.close();
  });

  it('drops detections after close, counting them, and refuses to start again', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    await h.tracker.close();
    h.record(missingPrice());
    expect(h.tracker.stats().droppedDetections).toBe(1);
    await expect(h.tracker.start()).rejects.toThrow('IncidentTracker is closed');
  });

  it('drops queued detections of a tracker closed before it started', async () => {
    const h = trackerHarness();
    h.record(missingPrice(), missingPrice());
    await h.tracker.close();
    expect(h.tracker.stats().droppedDetections).toBe(2);
  });
});

describe('IncidentTracker: status and regression', () => {
  it('records acknowledge and resolve in the audit trail, with timestamps and actors, and announces them', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice());
    const id = h.tracker.list()[0]?.id as string;
    h.advance(60_000);
    const acknowledged = h.tracker.acknowledge(id, 'api');
    expect(acknowledged?.status).toBe('acknowledged');
    expect(acknowledged?.updatedAt).toBe(new Date(T0 + 60_000).toISOString());
    h.advance(60_000);
    expect(h.tracker.resolve(id, 'api')?.status).toBe('resolved');
    h.advance(1000);
    expect(h.tracker.resolve(id, 'api')?.status).toBe('resolved'); // no change, no entry
    h.advance(1000);
    expect(h.tracker.reopen(id, 'jane')?.status).toBe('open');
    await h.tracker.flush();

    const trail = h.repository.audit.map(({ stage, at, actor, incidentId }) => ({ stage, at, actor, incidentId }));
    expect(trail).toEqual([
      { stage: 'detected', at: T0, actor: 'stacklens', incidentId: id },
      { stage: 'acknowledged', at: T0 + 60_000, actor: 'api', incidentId: id },
      { stage: 'resolved', at: T0 + 120_000, actor: 'api', incidentId: id },
      { stage: 'reopened', at: T0 + 122_000, actor: 'jane', incidentId: id },
    ]);
    expect(h.repository.audit[1]?.detail).toBe('open → acknowledged');
    expect(h.ofType('incident.updated').map((event) => [event.change, event.incident.status])).toEqual([
      ['acknowledged', 'acknowledged'],
      ['resolved', 'resolved'],
      ['reopened', 'open'],
    ]);
    expect(h.changes.filter((change) => change.kind === 'status').map((change) => change.incident.status)).toEqual([
      'acknowledged',
      'resolved',
      'open',
    ]);
    expect(h.repository.latest().get(id)?.status).toBe('open');
  });

  it('answers undefined for an unknown incident', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    expect(h.tracker.acknowledge('0000000000000000', 'api')).toBeUndefined();
    expect(h.tracker.resolve('0000000000000000', 'api')).toBeUndefined();
    expect(h.tracker.reopen('0000000000000000', 'api')).toBeUndefined();
    expect(h.tracker.get('0000000000000000')).toBeUndefined();
    expect(h.tracker.appendAudit('0000000000000000', 'ai.pending', 'x')).toBe(false);
  });

  it('reopens a resolved incident that fires again as a regression', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice());
    const id = h.tracker.list()[0]?.id as string;
    h.tracker.resolve(id, 'api');
    h.advance(3_600_000);
    h.record(missingPrice(), missingPrice());

    const incident = h.tracker.get(id);
    expect(incident).toMatchObject({ status: 'open', regressions: 1, count: 3 });
    const regressed = h.ofType('incident.updated').filter((event) => event.change === 'regressed');
    expect(regressed).toHaveLength(1);
    expect(regressed[0]?.incident).toMatchObject({ status: 'open', regressions: 1, count: 3 });
    expect(h.ofType('incident.created')).toHaveLength(1);
    const regression = h.changes.find((change) => change.kind === 'regressed');
    expect(regression?.occurrences).toBe(2);

    await h.tracker.flush();
    const entry = h.repository.audit.find((e) => e.stage === 'regressed');
    expect(entry).toMatchObject({ incidentId: id, at: T0 + 3_600_000, actor: 'stacklens' });
    expect(entry?.detail).toContain('regression 1');
  });

  it('keeps an acknowledged incident acknowledged when it fires again', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice());
    const id = h.tracker.list()[0]?.id as string;
    h.tracker.acknowledge(id, 'api');
    h.record(missingPrice());
    expect(h.tracker.get(id)).toMatchObject({ status: 'acknowledged', regressions: 0, count: 2 });
  });

  it('lets later stages add audit entries', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice());
    const id = h.tracker.list()[0]?.id as string;
    h.advance(10);
    expect(h.tracker.appendAudit(id, 'ai.pending', 'asked the offline analyser')).toBe(true);
    await h.tracker.flush();
    expect(h.repository.audit.at(-1)).toEqual({
      incidentId: id,
      stage: 'ai.pending',
      at: T0 + 10,
      detail: 'asked the offline analyser',
      actor: 'stacklens',
    });
  });
});

describe('IncidentTracker: writes', () => {
  it('loses nothing when the repository fails and recovers', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(...Array.from({ length: 10 }, () => missingPrice()));
    h.repository.failing = true;
    await expect(h.tracker.flush()).rejects.toThrow(AggregateError);
    expect(h.tracker.stats()).toMatchObject({ pendingIncidents: 1, pendingOccurrences: 10, pendingAudit: 1, failedFlushes: 1 });

    h.record(...Array.from({ length: 5 }, () => missingPrice()), paymentFailed());
    await expect(h.tracker.flush()).rejects.toThrow();
    h.repository.failing = false;
    await h.tracker.flush();

    expect(h.repository.occurrences).toHaveLength(16);
    const latest = h.repository.latest();
    expect([...latest.values()].map((incident) => incident.count).sort()).toEqual([1, 15]);
    expect(h.repository.audit.filter((entry) => entry.stage === 'detected')).toHaveLength(2);
    expect(h.tracker.stats()).toMatchObject({ pendingIncidents: 0, pendingOccurrences: 0, pendingAudit: 0, droppedOccurrences: 0 });
  });

  it('retries only the part that failed', async () => {
    const repository = new InMemoryIncidentRepository();
    let occurrencesDown = true;
    const original = repository.appendOccurrences.bind(repository);
    repository.appendOccurrences = async (rows) => {
      if (occurrencesDown) throw new Error('occurrences table is read-only');
      return original(rows);
    };
    const h = trackerHarness({ repository });
    await h.tracker.start();
    h.record(missingPrice(), missingPrice());
    await expect(h.tracker.flush()).rejects.toThrow('occurrences table is read-only');
    expect(repository.versions).toHaveLength(1);
    expect(repository.audit).toHaveLength(1);
    occurrencesDown = false;
    await h.tracker.flush();
    expect(repository.versions).toHaveLength(1); // nothing changed: not saved again
    expect(repository.audit).toHaveLength(1);
    expect(repository.occurrences).toHaveLength(2);
  });

  it('drops the oldest occurrence rows past its bound, never the incident counts', async () => {
    const h = trackerHarness({ pendingLimits: { maxOccurrences: 100, maxAuditEntries: 2 } });
    await h.tracker.start();
    h.repository.failing = true;
    for (let i = 0; i < 300; i++) h.record(missingPrice({ orderId: `ORD-${i}` }));
    h.record(paymentFailed(), internalError(), fatal());
    await expect(h.tracker.flush()).rejects.toThrow();
    const stats = h.tracker.stats();
    expect(stats.pendingOccurrences).toBe(100);
    expect(stats.droppedOccurrences).toBe(203);
    expect(stats.pendingAudit).toBe(2);
    expect(stats.droppedAuditEntries).toBe(2);

    h.repository.failing = false;
    await h.tracker.flush();
    expect(h.repository.occurrences).toHaveLength(100);
    expect([...h.repository.latest().values()].map((incident) => incident.count).sort((a, b) => a - b)).toEqual([1, 1, 1, 300]);
  });

  it('saves each version with a later updatedAt than the last, without drifting ahead of the clock', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    for (let i = 0; i < 100; i++) h.record(missingPrice());
    await h.tracker.flush();
    h.record(missingPrice());
    await h.tracker.flush();
    h.tracker.acknowledge(h.tracker.list()[0]?.id as string, 'api');
    await h.tracker.flush();
    expect(h.repository.versions.map((incident) => [incident.updatedAt, incident.count, incident.status])).toEqual([
      [new Date(T0).toISOString(), 100, 'open'],
      [new Date(T0 + 1).toISOString(), 101, 'open'],
      [new Date(T0 + 2).toISOString(), 101, 'acknowledged'],
    ]);
  });

  it('writes one batch at a time: a flush waits for the write in flight', async () => {
    const repository = new InMemoryIncidentRepository();
    const releases: (() => void)[] = [];
    const save = repository.saveIncidents.bind(repository);
    repository.saveIncidents = async (incidents) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return save(incidents);
    };
    const h = trackerHarness({ repository });
    await h.tracker.start();
    h.record(missingPrice());
    const first = h.tracker.flush();
    h.advance(10);
    h.record(missingPrice());
    const second = h.tracker.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(releases).toHaveLength(1);
    releases[0]?.();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(releases).toHaveLength(2);
    releases[1]?.();
    await second;
    expect(repository.versions.map((incident) => incident.count)).toEqual([1, 2]);
  });

  it('flushes on its own timer and stops it on close', async () => {
    const repository = new InMemoryIncidentRepository();
    const events: string[] = [];
    const tracker = new IncidentTracker({ repository, publish: (event) => events.push(event.type), flushIntervalMs: 20 });
    await tracker.start();
    const h = trackerHarness();
    tracker.record(h.detections([missingPrice()]));
    tracker.record(h.detections([missingPrice()]));
    const deadline = Date.now() + 5000;
    while (repository.occurrences.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(repository.occurrences).toHaveLength(2);
    expect(events).toEqual(['incident.created', 'error.detected', 'error.detected', 'incident.updated']);
    await tracker.close();
  });

  it('announces every tick but writes at most once per writeIntervalMs', async () => {
    const repository = new InMemoryIncidentRepository();
    let writes = 0;
    const append = repository.appendOccurrences.bind(repository);
    repository.appendOccurrences = async (occurrences) => {
      writes++;
      return append(occurrences);
    };
    const events: string[] = [];
    const tracker = new IncidentTracker({
      repository,
      publish: (event) => events.push(event.type),
      flushIntervalMs: 10,
      writeIntervalMs: 200,
    });
    await tracker.start();
    const h = trackerHarness();
    const started = Date.now();
    while (Date.now() - started < 300) {
      tracker.record(h.detections([missingPrice()]));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(2);
    expect(events.filter((type) => type === 'error.detected').length).toBeGreaterThan(5);
    await tracker.close();
    const recorded = repository.latest().values().next().value?.count ?? 0;
    expect(repository.occurrences).toHaveLength(recorded);
  });

  it('keeps announcing on its ticks while a slow write is in flight, and does not pile up writes', async () => {
    const repository = new InMemoryIncidentRepository();
    let release: (() => void) | undefined;
    let started = 0;
    const save = repository.saveIncidents.bind(repository);
    repository.saveIncidents = async (incidents) => {
      started++;
      await new Promise<void>((resolve) => (release = resolve));
      return save(incidents);
    };
    const events: string[] = [];
    const tracker = new IncidentTracker({ repository, publish: (event) => events.push(event.type), flushIntervalMs: 10 });
    await tracker.start();
    const h = trackerHarness();
    tracker.record(h.detections([missingPrice()]));
    await new Promise((resolve) => setTimeout(resolve, 40));
    tracker.record(h.detections([missingPrice()])); // hot from the first announcement, or cooled: either way announced soon
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(started).toBe(1);
    expect(events.filter((type) => type === 'error.detected')).toHaveLength(2);
    release?.();
    const deadline = Date.now() + 5000;
    while (started < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    release?.();
    await tracker.close();
    expect(repository.latest().values().next().value?.count).toBe(2);
  });

  it('reports a failed timer flush through onError and retries at the next tick', async () => {
    const repository = new InMemoryIncidentRepository();
    const errors: unknown[] = [];
    const tracker = new IncidentTracker({
      repository,
      publish: () => {},
      flushIntervalMs: 15,
      writeIntervalMs: 15,
      onError: (error) => errors.push(error),
    });
    await tracker.start();
    repository.failing = true;
    tracker.record(trackerHarness().detections([missingPrice()]));
    const deadline = Date.now() + 5000;
    while (errors.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    repository.failing = false;
    while (repository.occurrences.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(repository.occurrences).toHaveLength(1);
    await tracker.close();
  });
});

describe('IncidentTracker: publishing and stages', () => {
  it('publishes to a LiveEventBus, which numbers the events', async () => {
    const bus = new LiveEventBus();
    const tracker = new IncidentTracker({ repository: new InMemoryIncidentRepository(), publish: bus });
    await tracker.start();
    tracker.record(trackerHarness().detections([missingPrice()]));
    expect(bus.recent().map((event) => [event.seq, event.type])).toEqual([
      [1, 'incident.created'],
      [2, 'error.detected'],
    ]);
    await tracker.close();
  });

  it('survives a publisher and a stage that throw, reporting them', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const tracker = new IncidentTracker({
      repository: new InMemoryIncidentRepository(),
      publish: (event: UnsequencedLiveEvent) => {
        throw new Error(`cannot publish ${event.type}`);
      },
      onError: (error) => errors.push(error),
      storm: { holdMs: 0 },
      stages: [
        {
          onIncidentChange: () => {
            throw new Error('enrich is broken');
          },
        },
      ],
    });
    tracker.addStage({ onIncidentChange: (change) => seen.push(change.kind) });
    await tracker.start();
    tracker.record(trackerHarness().detections([missingPrice()]));
    expect(tracker.list()[0]?.count).toBe(1);
    expect(seen).toEqual(['created']);
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'cannot publish incident.created',
      'enrich is broken',
      'cannot publish error.detected',
    ]);
    await tracker.close();
  });

  it('tells later stages of every occurrence exactly once, with snapshots they may keep', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice(), missingPrice());
    h.record(missingPrice());
    h.advance(250);
    await h.tracker.flush();
    await h.tracker.flush();
    h.record(missingPrice());
    expect(h.changes.map((change) => [change.kind, change.occurrences])).toEqual([
      ['created', 2],
      ['occurrences', 1],
      ['occurrences', 1],
    ]);
    expect(h.changes.map((change) => change.incident.count)).toEqual([2, 3, 4]);
    h.changes[0]!.incident.count = 999;
    expect(h.tracker.list()[0]?.count).toBe(4);
  });

  it('returns copies from get and list, most recently seen first', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(missingPrice({ timestampMs: T0 - 10_000 }));
    h.record(paymentFailed({ timestampMs: T0 - 5_000 }));
    const listed = h.tracker.list();
    expect(listed.map((incident) => incident.errorType)).toEqual(['PAYMENT_FAILED', 'MISSING_PRICE']);
    listed[0]!.count = 42;
    expect(h.tracker.get(listed[0]!.id)?.count).toBe(1);
  });

  it('takes the rule of the latest detection (after a rules reload)', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const [detection] = h.detections([missingPrice()]);
    h.tracker.record([detection!]);
    const changedRule = { ...detection!.rule, severity: 'LOW' as const, ticket: { mode: 'never' as const } };
    h.tracker.record([{ ...h.detections([missingPrice()])[0]!, rule: changedRule, severity: 'LOW' }]);
    expect(h.tracker.list()[0]).toMatchObject({ severity: 'LOW', ticketPolicy: { mode: 'never' } });
  });

  it('writes the detection time as the sample time when a record has no usable timestamp', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record({ ...missingPrice(), Timestamp: 'not-a-number' }, { ...paymentFailed(), Timestamp: nanosOf(0) });
    const byType = new Map(h.tracker.list().map((incident) => [incident.errorType, incident]));
    expect(byType.get('MISSING_PRICE')?.firstSeen).toBe(new Date(T0).toISOString());
    expect(byType.get('PAYMENT_FAILED')?.firstSeen).toBe(new Date(0).toISOString());
  });

  it('keeps entries in the audit trail typed', () => {
    const entry: AuditEntry = { incidentId: 'x', stage: 'ticket.skipped', at: 0, detail: '', actor: 'stacklens' };
    expect(entry.stage).toBe('ticket.skipped');
  });
});
