import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, Incident, Occurrence } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseIncidentRepository } from '../../src/group/ClickHouseIncidentRepository.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-incidents-'));
let store: LogStore;
let repository: ClickHouseIncidentRepository;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'incidents_repo', retentionDays: 30 });
  repository = new ClickHouseIncidentRepository(store.transport, store.database);
});

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function incident(overrides: Partial<Incident> = {}): Incident {
  const now = Date.now();
  return {
    id: 'fp-missing-price',
    fingerprint: 'fp-missing-price',
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    exceptionType: 'PriceError',
    severity: 'HIGH',
    title: 'Product <num> has no price',
    ruleId: 'missing-price',
    ticketPolicy: { mode: 'auto', afterOccurrences: 3, windowMinutes: 10 },
    status: 'open',
    count: 2,
    firstSeen: new Date(now - 60_000).toISOString(),
    lastSeen: new Date(now).toISOString(),
    storeCounts: { STORE_001: 1, 'STORE "quoted"': 1 },
    kioskCounts: { KIOSK_001: 2 },
    samples: [
      {
        timestamp: new Date(now).toISOString(),
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        storeId: 'STORE_001',
        kioskId: 'KIOSK_001',
        body: 'Product 999 has no price\nline two "quoted" é',
        attributes: { 'error.code': 'MISSING_PRICE', 'order.id': 'ORD-1' },
      },
    ],
    regressions: 0,
    timeToDetectMs: 12,
    updatedAt: new Date(now).toISOString(),
    ...overrides,
  };
}

describe('ClickHouseIncidentRepository on chDB', () => {
  it('creates the incident tables through the store migrations', async () => {
    const tables = await store.transport.query<{ name: string; engine: string }>(
      `SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name`,
      { db: store.database },
    );
    expect(tables).toEqual(
      expect.arrayContaining([
        { name: 'incidents', engine: 'ReplacingMergeTree' },
        { name: 'incident_occurrences', engine: 'MergeTree' },
        { name: 'incident_audit', engine: 'MergeTree' },
      ]),
    );
  });

  it('starts empty, then round-trips an incident with its maps, samples and policy', async () => {
    expect(await repository.loadIncidents()).toEqual([]);
    const saved = { ...incident(), example: 'Product 999 has no price (order ORD-7Q2K9X1B)', stormId: 'fp-storm' };
    await repository.saveIncidents([saved]);
    expect(await repository.loadIncidents()).toEqual([saved]);
  });

  it("keeps a storm incident's size, and gives an incident saved without an example its oldest sample's message", async () => {
    const storm = { ...incident({ id: 'fp-storm', fingerprint: 'fp-storm' }), example: 'Product 1 has no price', stormSize: 200 };
    const older = incident({ id: 'fp-older', fingerprint: 'fp-older' });
    await repository.saveIncidents([storm, older]);
    const loaded = await repository.loadIncidents();
    expect(loaded.find((known) => known.id === 'fp-storm')).toEqual(storm);
    const before = loaded.find((known) => known.id === 'fp-older');
    expect(before?.example).toBe(older.samples.at(-1)?.body);
    expect(before).not.toHaveProperty('stormId');
    expect(before).not.toHaveProperty('stormSize');
    await store.transport.command(`DELETE FROM ${repository.tables.incidents} WHERE id IN ('fp-storm', 'fp-older')`);
  });

  it('a newer state replaces the older, even when saved within the same millisecond', async () => {
    const first = incident({ id: 'fp-2', fingerprint: 'fp-2', count: 1 });
    await repository.saveIncidents([first]);
    // Same updatedAt, later save: the repository's version still moves forward.
    const second = { ...first, count: 5, status: 'acknowledged' as const };
    await repository.saveIncidents([second]);
    const third = { ...second, count: 6 };
    await repository.saveIncidents([third]);
    const loaded = (await repository.loadIncidents()).find((i) => i.id === 'fp-2');
    expect(loaded).toMatchObject({ count: 6, status: 'acknowledged' });

    // A fresh repository (a restart) continues from the stored versions.
    const restarted = new ClickHouseIncidentRepository(store.transport, store.database);
    await restarted.loadIncidents();
    await restarted.saveIncidents([{ ...third, status: 'resolved' }]);
    await store.transport.command(`OPTIMIZE TABLE ${repository.tables.incidents} FINAL`);
    const rows = await store.transport.query<{ status: string }>(
      `SELECT status FROM ${repository.tables.incidents} WHERE id = {id:String}`,
      { id: 'fp-2' },
    );
    expect(rows).toEqual([{ status: 'resolved' }]);
  });

  it('saves a batch of many incidents in one call and ignores empty batches', async () => {
    const many = Array.from({ length: 50 }, (_, i) => incident({ id: `batch-${i}`, fingerprint: `batch-${i}`, count: i }));
    await repository.saveIncidents(many);
    await repository.saveIncidents([]);
    await repository.appendOccurrences([]);
    await repository.appendAudit([]);
    const loaded = await repository.loadIncidents();
    expect(
      loaded
        .filter((i) => i.id.startsWith('batch-'))
        .map((i) => i.count)
        .sort((a, b) => a - b),
    ).toEqual(many.map((i) => i.count));
  });

  it('appends occurrences with nanosecond timestamps and audit entries with millisecond times', async () => {
    // Recent times: rows beyond the retention would be dropped by the TTL.
    const baseMs = Date.now() - 5_000;
    const nanos = `${baseMs}123456`;
    const occurrences: Occurrence[] = [
      {
        incidentId: 'fp-missing-price',
        timestamp: nanos,
        detectedAt: baseMs + 77,
        service: 'demo-pos',
        errorType: 'MISSING_PRICE',
        severity: 'HIGH',
        storeId: 'STORE_001',
        kioskId: 'KIOSK_001',
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        body: "Product 999 has no price '; DROP TABLE x; --",
        errorCode: 'MISSING_PRICE',
      },
    ];
    await repository.appendOccurrences(occurrences);
    const [row] = await store.transport.query<Record<string, unknown>>(
      `SELECT incidentId, toString(toUnixTimestamp64Nano(timestamp)) AS ns, toUnixTimestamp64Milli(detectedAt) AS detected,
              storeId, kioskId, body, errorCode FROM ${repository.tables.occurrences}`,
    );
    expect(row).toMatchObject({
      incidentId: 'fp-missing-price',
      ns: nanos,
      storeId: 'STORE_001',
      kioskId: 'KIOSK_001',
      body: "Product 999 has no price '; DROP TABLE x; --",
      errorCode: 'MISSING_PRICE',
    });
    expect(Number(row!.detected)).toBe(baseMs + 77);

    const audit: AuditEntry[] = [
      { incidentId: 'fp-missing-price', stage: 'detected', at: baseMs + 77, detail: 'rule missing-price', actor: 'stacklens' },
      { incidentId: 'fp-missing-price', stage: 'acknowledged', at: baseMs + 1000, detail: '', actor: 'api' },
    ];
    await repository.appendAudit(audit);
    const entries = await store.transport.query<{ stage: string; at: number | string; actor: string }>(
      `SELECT stage, toUnixTimestamp64Milli(at) AS at, actor FROM ${repository.tables.audit} ORDER BY at`,
    );
    expect(entries.map((e) => ({ ...e, at: Number(e.at) }))).toEqual([
      { stage: 'detected', at: baseMs + 77, actor: 'stacklens' },
      { stage: 'acknowledged', at: baseMs + 1000, actor: 'api' },
    ]);
  });
});
