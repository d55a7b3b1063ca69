import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Incident, PipelineRecord } from '../../src/types.ts';
import { InMemoryIncidentRepository } from '../support/InMemoryIncidentRepository.ts';
import { invalidStoreConfig, missingPrice, nanosOf } from '../support/posRecords.ts';
import { T0, trackerHarness } from '../support/trackerHarness.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NANOID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** One random id of a kind users meet: ULID, nanoid, base-36 order id, UUID, Stripe-like. */
function randomId(): string {
  switch (randomInt(5)) {
    case 0:
      return pick(CROCKFORD, 26);
    case 1:
      return pick(NANOID, 21);
    case 2:
      return `ORD-${randomInt(36 ** 7, 36 ** 8)
        .toString(36)
        .toUpperCase()}`;
    case 3:
      return randomUUID();
    default:
      return `ch_${pick(NANOID.slice(0, 62), 24)}`;
  }
}

function randomHost(): string {
  return randomInt(2) === 0 ? `pos-${pick(LOWER, 5)}-${randomInt(100)}.eu.internal` : `${pick(LOWER, 8)}.shop.example.com`;
}

let line = 0;
function checkoutFailure(body: string, service = 'checkout'): PipelineRecord {
  line += 1;
  return {
    Timestamp: nanosOf(T0 - 60_000 + line),
    TraceId: '',
    SpanId: '',
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    ServiceName: service,
    Body: body,
    ResourceAttributes: { 'service.name': service },
    LogAttributes: { 'error.code': 'CHECKOUT_FAILED' },
  };
}

function storm(count: number): PipelineRecord[] {
  return Array.from({ length: count }, () =>
    checkoutFailure(`Checkout failed for order ${randomId()} on ${randomHost()} by user ${pick(LOWER, 3 + randomInt(8))}, retry later`),
  );
}

describe('template grouping: one error with random ids is one incident', () => {
  it('turns 10,000 occurrences carrying random ULIDs, nanoids, base-36 ids, UUIDs, host and user names into 1 incident and 1 creation', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const records = storm(10_000);
    for (let start = 0; start < records.length; start += 500) h.record(...records.slice(start, start + 500));
    await h.tracker.flush();

    const incidents = h.tracker.list();
    expect(incidents).toHaveLength(1);
    const [incident] = incidents as [Incident];
    expect(incident.count).toBe(10_000);
    expect(incident.title).toBe('Checkout failed for order <*> on <host> by user <*> retry later');
    // The stages (enrich, ticket) hear of one new incident: one analysis, one ticket.
    expect(h.changes.filter((change) => change.kind === 'created')).toHaveLength(1);
    expect(h.changes.reduce((sum, change) => sum + change.occurrences, 0)).toBe(10_000);
    expect(h.ofType('incident.created')).toHaveLength(1);
    // Every occurrence row names an id that resolves to the incident.
    const ids = new Set(h.repository.occurrences.map((occurrence) => h.tracker.incidentIdOf(occurrence.incidentId)));
    expect([...ids]).toEqual([incident.id]);
  });

  it('keeps the first fingerprint as the id while the template generalises, and answers to the later forms', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(checkoutFailure('Login refused for user alice from the web'));
    const [first] = h.tracker.list() as [Incident];
    expect(first.title).toBe('Login refused for user alice from the web');
    h.record(checkoutFailure('Login refused for user bob from the web'));
    const [after] = h.tracker.list() as [Incident];
    expect(after.id).toBe(first.id);
    expect(after.title).toBe('Login refused for user <*> from the web');
    expect(after.count).toBe(2);
    await h.tracker.flush();
    expect(h.repository.aliases).toHaveLength(1);
    expect(h.tracker.incidentIdOf(h.repository.aliases[0]?.fingerprint ?? '')).toBe(first.id);
    expect(h.tracker.incidentIdOf('0000000000000000')).toBeUndefined();
  });

  it('tells different errors of one service apart', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(
      checkoutFailure('Payment service timed out after 3000 ms'),
      checkoutFailure('Payment service timed out after 5000 ms'),
      checkoutFailure('Basket 7Q2K9X1B is empty'),
      checkoutFailure('Basket 01J9ZK3X4Y5Z6A7B8C9D0E1F2G is empty'),
      checkoutFailure('Payment service timed out after 3000 ms', 'kiosk-ui'),
    );
    expect(
      h.tracker
        .list()
        .map((incident) => `${incident.service}: ${incident.title} (${incident.count})`)
        .sort(),
    ).toEqual([
      'checkout: Basket <id> is empty (2)',
      'checkout: Payment service timed out after <duration> (2)',
      'kiosk-ui: Payment service timed out after <duration> (1)',
    ]);
  });
});

describe('template grouping: stable identity', () => {
  const variants = ['alice', 'bob', 'carol', 'dave', 'erin'].map((user) => `Export of report for ${user} failed: quota exceeded`);

  it('gives a message the same fingerprint after a restart and in a second receiver on the same store', async () => {
    const repository = new InMemoryIncidentRepository();
    const first = trackerHarness({ repository });
    await first.tracker.start();
    first.record(...variants.slice(0, 3).map((body) => checkoutFailure(body)));
    await first.tracker.close();
    const [incident] = first.tracker.list() as [Incident];
    expect(incident.title).toBe('Export of report for <*> failed: quota exceeded');

    // A restart of the same receiver, then a second receiver started on the same store.
    for (const [next, count] of [
      [trackerHarness({ repository }), 5],
      [trackerHarness({ repository }), 7],
    ] as const) {
      await next.tracker.start();
      next.record(...[variants[0] as string, variants[4] as string].map((body) => checkoutFailure(body)));
      await next.tracker.flush();
      expect(next.tracker.list().map((known) => [known.id, known.count])).toEqual([[incident.id, count]]);
      expect(next.changes.map((change) => change.kind)).toEqual(['occurrences']);
    }
  });

  it('merges two incidents that two receivers made of one template: the first seen survives, counts add up, the other id resolves to it', async () => {
    const repository = new InMemoryIncidentRepository();
    const a = trackerHarness({ repository });
    const b = trackerHarness({ repository });
    await Promise.all([a.tracker.start(), b.tracker.start()]);
    // Neither has seen the other's templates: each makes its own incident of the same error.
    a.record(...variants.slice(0, 2).map((body) => checkoutFailure(body)));
    b.advance(1_000);
    b.record(...variants.slice(2, 5).map((body) => checkoutFailure(body)));
    await Promise.all([a.tracker.close(), b.tracker.close()]);
    const [fromA] = a.tracker.list() as [Incident];
    const [fromB] = b.tracker.list() as [Incident];
    expect(fromA.id).not.toBe(fromB.id);

    const restarted = trackerHarness({ repository });
    await restarted.tracker.start();
    expect(restarted.tracker.list().map((known) => [known.id, known.count])).toEqual([[fromA.id, 5]]);
    expect(restarted.tracker.get(fromB.id)?.id).toBe(fromA.id);
    // Live pages hear that the absorbed incident went (made while loading: the bus keeps it for their backfill).
    expect(restarted.ofType('incident.merged').map((event) => [event.incident.id, event.incident.count, event.into, event.actor])).toEqual([
      [fromB.id, 3, fromA.id, 'stacklens'],
    ]);
    restarted.record(checkoutFailure(variants[3] as string));
    await restarted.tracker.close();
    expect(restarted.tracker.get(fromA.id)?.count).toBe(6);
    expect(repository.audit.some((entry) => entry.incidentId === fromA.id && entry.detail.includes(`merged incident ${fromB.id}`))).toBe(
      true,
    );

    // The merge is stored: the next start has one incident without merging again.
    const again = trackerHarness({ repository });
    await again.tracker.start();
    expect(again.tracker.list().map((known) => [known.id, known.count])).toEqual([[fromA.id, 6]]);
  });

  it('keeps templates and aliases that failed to save for the next flush', async () => {
    const repository = new InMemoryIncidentRepository();
    const h = trackerHarness({ repository });
    await h.tracker.start();
    h.record(...variants.slice(0, 2).map((body) => checkoutFailure(body)));
    repository.failing = true;
    await expect(h.tracker.flush()).rejects.toThrow(AggregateError);
    repository.failing = false;
    await h.tracker.flush();
    expect([...repository.templates.values()].map((known) => known.template)).toEqual(['Export of report for <*> failed: quota exceeded']);
    expect(repository.aliases).toHaveLength(1);
  });
});

describe('template grouping: merge and unmerge by hand', () => {
  it('merges one incident into another, audited; undoes it; and a restart keeps what was decided', async () => {
    const repository = new InMemoryIncidentRepository();
    const h = trackerHarness({ repository });
    await h.tracker.start();
    h.record(checkoutFailure('Payment service timed out after 3000 ms'), checkoutFailure('Payment service timed out after 5000 ms'));
    h.record(checkoutFailure('Payment gateway unreachable: connection reset'));
    const [timeout, unreachable] = ['timed out', 'unreachable'].map(
      (text) => h.tracker.list().find((i) => i.title.includes(text)) as Incident,
    );

    const before = h.events.length;
    expect(h.tracker.merge(unreachable!.id, timeout!.id, 'grafana:zoë')).toMatchObject({ id: timeout!.id, count: 3 });
    // The absorbed incident's event first (a live page drops its row), then the survivor's counts.
    expect(h.events.slice(before).map((event) => [event.type, 'incident' in event ? event.incident.id : event.incidentId])).toEqual([
      ['incident.merged', unreachable!.id],
      ['incident.updated', timeout!.id],
    ]);
    expect(h.ofType('incident.merged')[0]).toMatchObject({ incident: { count: 1 }, into: timeout!.id, actor: 'grafana:zoë' });
    expect(h.tracker.merge(unreachable!.id, timeout!.id, 'api')).toBeUndefined(); // one already
    expect(h.tracker.list()).toHaveLength(1);
    expect(h.tracker.get(unreachable!.id)?.id).toBe(timeout!.id);
    h.record(checkoutFailure('Payment gateway unreachable: connection reset'));
    expect(h.tracker.get(timeout!.id)?.count).toBe(4);
    await h.tracker.close();
    const merged = repository.audit.filter((entry) => entry.stage === 'merged');
    expect(merged.map((entry) => [entry.incidentId, entry.actor])).toEqual([
      [timeout!.id, 'grafana:zoë'],
      [unreachable!.id, 'grafana:zoë'],
    ]);

    const restarted = trackerHarness({ repository });
    await restarted.tracker.start();
    expect(restarted.tracker.list().map((i) => [i.id, i.count])).toEqual([[timeout!.id, 4]]);
    expect(restarted.tracker.unmerge(timeout!.id, 'api')).toBeUndefined(); // not a merged incident
    const beforeUnmerge = restarted.events.length;
    expect(restarted.tracker.unmerge(unreachable!.id, 'api')).toMatchObject({ id: unreachable!.id, count: 1 });
    // The restored incident comes back on live pages (not as a new incident), then the survivor's counts go down.
    expect(restarted.events.slice(beforeUnmerge).map((event) => event.type)).toEqual(['incident.unmerged', 'incident.updated']);
    expect(restarted.ofType('incident.unmerged')).toEqual([
      expect.objectContaining({ incident: expect.objectContaining({ id: unreachable!.id, count: 1 }), from: timeout!.id, actor: 'api' }),
    ]);
    expect(restarted.ofType('incident.updated').at(-1)?.incident).toMatchObject({ id: timeout!.id, count: 3 });
    expect(
      restarted.tracker
        .list()
        .map((i) => [i.id, i.count])
        .sort(),
    ).toEqual(
      [
        [timeout!.id, 3],
        [unreachable!.id, 1],
      ].sort(),
    );
    await restarted.tracker.close();
    expect(repository.audit.filter((entry) => entry.stage === 'unmerged')).toHaveLength(2);

    const again = trackerHarness({ repository });
    await again.tracker.start();
    expect(again.tracker.list()).toHaveLength(2);
    // The unmerged incident's own fingerprint is its own again.
    again.record(checkoutFailure('Payment gateway unreachable: connection reset'));
    expect(again.tracker.get(unreachable!.id)?.count).toBe(2);
  });

  it('answers undefined for unknown ids', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    h.record(checkoutFailure('Payment service timed out after 3000 ms'));
    const [only] = h.tracker.list() as [Incident];
    expect(h.tracker.merge('nope', only.id, 'api')).toBeUndefined();
    expect(h.tracker.merge(only.id, 'nope', 'api')).toBeUndefined();
    expect(h.tracker.unmerge('nope', 'api')).toBeUndefined();
  });
});

describe('template grouping: the POS rules group by what an SRE would fix', () => {
  it('makes one MISSING_PRICE incident per product, whatever the order, store or product name', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const renamed = (productId: string, name: string): PipelineRecord => {
      const record = missingPrice({ orderId: `ORD-${randomId()}` });
      return {
        ...record,
        Body: `Product ${productId} (${name}) has no price`,
        LogAttributes: { ...record.LogAttributes, 'product.id': productId },
      };
    };
    h.record(
      renamed('999', 'Mystery Product'),
      renamed('999', 'Mystery Product v2'),
      missingPrice({ storeId: 'STORE_002' }),
      renamed('104', 'Banana'),
    );
    expect(
      h.tracker
        .list()
        .map((incident) => incident.count)
        .sort(),
    ).toEqual([1, 3]);
  });

  it('makes one INVALID_STORE_CONFIG incident per misconfigured kiosk, not per list of known kiosks', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    const kioskOf = (storeId: string, kioskId: string, known: string): PipelineRecord => {
      const record = invalidStoreConfig({ storeId, kioskId });
      return { ...record, Body: `Kiosk ${kioskId} is not configured for store ${storeId} (known: ${known})` };
    };
    h.record(
      kioskOf('STORE_001', 'KIOSK_009', 'KIOSK_001, KIOSK_002'),
      kioskOf('STORE_001', 'KIOSK_009', 'KIOSK_001, KIOSK_002, KIOSK_003'),
      kioskOf('STORE_002', 'KIOSK_009', 'KIOSK_004'),
    );
    expect(
      h.tracker
        .list()
        .map((incident) => incident.count)
        .sort(),
    ).toEqual([1, 2]);
  });
});
