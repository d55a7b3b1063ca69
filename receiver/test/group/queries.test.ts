import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Incident, Occurrence } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseIncidentRepository } from '../../src/group/ClickHouseIncidentRepository.ts';
import { ErrorQueries } from '../../src/group/ErrorQueries.ts';
import { IncidentQueries } from '../../src/group/IncidentQueries.ts';
import { StoreReadError } from '../../src/store/StoreReadError.ts';
import { StatsQueries } from '../../src/group/StatsQueries.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-queries-'));
let store: LogStore;
let repository: ClickHouseIncidentRepository;
let incidents: IncidentQueries;
let errors: ErrorQueries;
let stats: StatsQueries;

const MINUTE = 60_000;
// A whole minute a while ago, so histogram buckets are predictable and inside the retention.
const T0 = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    fingerprint: id,
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    exceptionType: '',
    severity: 'HIGH',
    title: 'Product <num> has no price',
    ruleId: 'missing-price',
    ticketPolicy: { mode: 'manual' },
    status: 'open',
    count: 1,
    firstSeen: new Date(T0).toISOString(),
    lastSeen: new Date(T0).toISOString(),
    storeCounts: { STORE_001: 1 },
    kioskCounts: { KIOSK_001: 1 },
    samples: [],
    regressions: 0,
    timeToDetectMs: 5,
    updatedAt: new Date(T0).toISOString(),
    ...overrides,
  };
}

function occurrence(incidentId: string, atMs: number, overrides: Partial<Occurrence> = {}): Occurrence {
  return {
    incidentId,
    timestamp: `${atMs}000000`,
    detectedAt: atMs + 40,
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    severity: 'HIGH',
    storeId: 'STORE_001',
    kioskId: 'KIOSK_001',
    traceId: 'aa',
    spanId: 'bb',
    body: 'Product 999 has no price',
    errorCode: 'MISSING_PRICE',
    ...overrides,
  };
}

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'queries', retentionDays: 30 });
  repository = new ClickHouseIncidentRepository(store.transport, store.database);
  incidents = new IncidentQueries(store.transport, repository.tables);
  errors = new ErrorQueries(store.transport, repository.tables);
  stats = new StatsQueries(store.transport, repository.tables);

  await repository.saveIncidents([
    incident('a', { count: 3, lastSeen: new Date(T0 + 2 * MINUTE).toISOString(), storeCounts: { STORE_001: 2, STORE_002: 1 } }),
    incident('b', { severity: 'CRITICAL', errorType: 'PAYMENT_FAILED', lastSeen: new Date(T0 + 5 * MINUTE).toISOString() }),
  ]);
  await repository.appendOccurrences([
    occurrence('a', T0),
    occurrence('a', T0 + 10_000, { storeId: 'STORE_002', kioskId: 'KIOSK_009' }),
    occurrence('a', T0 + 2 * MINUTE),
    occurrence('b', T0 + 5 * MINUTE, { severity: 'CRITICAL', errorType: 'PAYMENT_FAILED', body: 'Payment gateway timeout' }),
  ]);
  await repository.appendAudit([
    { incidentId: 'a', stage: 'detected', at: T0 + 40, detail: 'rule missing-price', actor: 'stacklens' },
    { incidentId: 'a', stage: 'acknowledged', at: T0 + 3 * MINUTE, detail: 'on it', actor: 'api' },
  ]);
});

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('IncidentQueries', () => {
  it('lists the newest state of each incident, most recently seen first', async () => {
    const page = await incidents.list({ limit: 10, offset: 0 });
    expect(page.total).toBe(2);
    expect(page.items.map((i) => i.id)).toEqual(['b', 'a']);
    expect(page.items[1]).toMatchObject({ count: 3, storeCounts: { STORE_001: 2, STORE_002: 1 } });
  });

  it('filters on the newest state only: an acknowledged incident is no longer open', async () => {
    await repository.saveIncidents([incident('c', { status: 'open' })]);
    await repository.saveIncidents([incident('c', { status: 'acknowledged' })]);
    expect((await incidents.list({ status: 'open', limit: 10, offset: 0 })).items.map((i) => i.id)).not.toContain('c');
    expect((await incidents.list({ status: 'acknowledged', limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual(['c']);
    expect((await incidents.list({ store: 'STORE_002', limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual(['a']);
  });

  it('finds one incident with its samples, or nothing', async () => {
    expect(await incidents.find('a')).toMatchObject({ id: 'a', samples: [] });
    expect(await incidents.find('nope')).toBeUndefined();
  });

  it('counts occurrences per minute, every minute of the window present', async () => {
    const histogram = await incidents.histogram('a', T0 + 2 * MINUTE + 5_000, 4);
    expect(histogram.from).toBe(new Date(T0 - MINUTE).toISOString());
    expect(histogram.to).toBe(new Date(T0 + 3 * MINUTE).toISOString());
    expect(histogram.buckets.map((b) => b.count)).toEqual([0, 2, 0, 1]);
    expect(histogram.total).toBe(3);
    expect(histogram.bucketSeconds).toBe(60);
  });

  it('returns the audit trail oldest first with ISO times', async () => {
    expect(await incidents.audit('a')).toEqual([
      { stage: 'detected', at: new Date(T0 + 40).toISOString(), detail: 'rule missing-price', actor: 'stacklens' },
      { stage: 'acknowledged', at: new Date(T0 + 3 * MINUTE).toISOString(), detail: 'on it', actor: 'api' },
    ]);
  });
});

describe('ErrorQueries', () => {
  it('returns records newest first with their ISO and nanosecond times', async () => {
    const page = await errors.list({ limit: 2, offset: 0 });
    expect(page.total).toBe(4);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({
      incidentId: 'b',
      timestamp: new Date(T0 + 5 * MINUTE).toISOString(),
      timeUnixNano: `${T0 + 5 * MINUTE}000000`,
      detectedAt: new Date(T0 + 5 * MINUTE + 40).toISOString(),
    });
  });

  it('treats the time range as inclusive at both ends', async () => {
    const page = await errors.list({ fromMs: T0 + 10_000, toMs: T0 + 2 * MINUTE, limit: 10, offset: 0 });
    expect(page.total).toBe(2);
  });
});

describe('StatsQueries', () => {
  it('totals, severities, stores and time to detect; no ticket figures before tickets exist', async () => {
    const figures = await stats.stats();
    expect(figures.totals).toEqual({ incidents: 3, occurrences: 4, openIncidents: 3 });
    expect(figures.bySeverity.CRITICAL).toEqual({ incidents: 1, open: 1, occurrences: 1 });
    expect(figures.bySeverity.LOW).toEqual({ incidents: 0, open: 0, occurrences: 0 });
    expect(figures.critical).toEqual({ incidents: 1, open: 1 });
    expect(figures.perStore).toEqual([
      { storeId: 'STORE_001', occurrences: 3, incidents: 2 },
      { storeId: 'STORE_002', occurrences: 1, incidents: 1 },
    ]);
    expect(figures.timeToDetectMs).toEqual({ p50: 40, p95: 40, p99: 40, samples: 4 });
    expect(figures.openTickets).toBe(0);
    expect(figures.timeToTicketMs).toBeNull();
  });

  it('counts open tickets and time to ticket from the audit trail once tickets exist', async () => {
    await repository.appendAudit([
      { incidentId: 'a', stage: 'ticket.created', at: T0 + MINUTE, detail: 'SL-1', actor: 'stacklens' },
      { incidentId: 'b', stage: 'ticket.created', at: T0 + 2 * MINUTE, detail: 'SL-2', actor: 'stacklens' },
    ]);
    await repository.saveIncidents([incident('b', { severity: 'CRITICAL', status: 'resolved', updatedAt: new Date().toISOString() })]);
    const figures = await stats.stats();
    expect(figures.openTickets).toBe(1);
    expect(figures.timeToTicketMs).toMatchObject({ samples: 2 });
    expect(figures.timeToTicketMs!.p50).toBeGreaterThanOrEqual(MINUTE);
    expect(figures.critical).toEqual({ incidents: 1, open: 0 });
  });
});

describe('a failing store', () => {
  it('is reported as an StoreReadError', async () => {
    const broken = new IncidentQueries(store.transport, { ...repository.tables, incidents: 'queries.missing_table' });
    await expect(broken.list({ limit: 1, offset: 0 })).rejects.toThrow(StoreReadError);
  });
});
