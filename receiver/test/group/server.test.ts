import type { Incident } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseIncidentRepository } from '../../src/group/ClickHouseIncidentRepository.ts';
import { ErrorQueries } from '../../src/group/ErrorQueries.ts';
import { IncidentQueries } from '../../src/group/IncidentQueries.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';

// The same repository and reads on a ClickHouse server (HttpTransport). CI machines have no
// recent server, so this runs where CLICKHOUSE_TEST_URL names one (24+: DateTime64 and Map).
const serverUrl = process.env.CLICKHOUSE_TEST_URL;

describe.skipIf(!serverUrl)('incident tables on a ClickHouse server', () => {
  const database = `stacklens_incidents_${process.pid}`;
  let store: LogStore;
  let repository: ClickHouseIncidentRepository;

  beforeAll(async () => {
    store = await openStore({
      kind: 'server',
      url: serverUrl ?? '',
      username: process.env.CLICKHOUSE_TEST_USER ?? 'default',
      password: process.env.CLICKHOUSE_TEST_PASSWORD ?? '',
      database,
      retentionDays: 30,
    });
    repository = new ClickHouseIncidentRepository(store.transport, store.database);
  });

  afterAll(async () => {
    await store?.transport.command(`DROP DATABASE IF EXISTS ${database}`);
    await store?.close();
  });

  it('round-trips incidents, occurrences and audit, and filters with bound parameters', async () => {
    const now = Date.now();
    const incident: Incident = {
      id: 'srv-1',
      fingerprint: 'srv-1',
      service: 'demo-pos',
      errorType: 'MISSING_PRICE',
      exceptionType: '',
      severity: 'CRITICAL',
      title: 'Product <num> has no price',
      ruleId: 'pos-missing-price',
      ticketPolicy: { mode: 'auto', afterOccurrences: 1, windowMinutes: 60 },
      status: 'open',
      count: 1,
      firstSeen: new Date(now).toISOString(),
      lastSeen: new Date(now).toISOString(),
      storeCounts: { STORE_001: 1 },
      kioskCounts: {},
      samples: [],
      regressions: 0,
      timeToDetectMs: 3,
      updatedAt: new Date(now).toISOString(),
    };
    await repository.saveIncidents([incident]);
    await repository.saveIncidents([{ ...incident, status: 'acknowledged' }]);
    await repository.appendOccurrences([
      {
        incidentId: 'srv-1',
        timestamp: `${now}000000`,
        detectedAt: now + 3,
        service: 'demo-pos',
        errorType: 'MISSING_PRICE',
        severity: 'CRITICAL',
        storeId: 'STORE_001',
        kioskId: '',
        traceId: '',
        spanId: '',
        body: "Product 999 has no price '; --",
        errorCode: 'MISSING_PRICE',
      },
    ]);
    await repository.appendAudit([{ incidentId: 'srv-1', stage: 'detected', at: now, detail: '', actor: 'stacklens' }]);

    expect(await repository.loadIncidents()).toEqual([{ ...incident, status: 'acknowledged' }]);
    const incidents = new IncidentQueries(store.transport, repository.tables);
    expect((await incidents.list({ status: 'open', limit: 10, offset: 0 })).total).toBe(0);
    expect(await incidents.audit('srv-1')).toHaveLength(1);
    const errors = new ErrorQueries(store.transport, repository.tables);
    expect((await errors.list({ text: "'; --", limit: 10, offset: 0 })).total).toBe(1);
    expect((await errors.list({ store: "' OR 1=1 --", limit: 10, offset: 0 })).total).toBe(0);
  });
});
