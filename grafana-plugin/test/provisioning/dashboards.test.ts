import { loadConfig, openStore, type LogStore } from '@stacklens/receiver';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every SQL query of the provisioned dashboards runs on chDB with the receiver's own schema
 * (its migrations), over a few rows of each table: a renamed column or table fails here.
 */
const DASHBOARDS = resolve(dirname(fileURLToPath(import.meta.url)), '../../provisioning/dashboards');
// Sample rows sit an hour back: older ones would fall to the tables' retention TTL.
const BASE = Math.floor(Date.now() / 1000) - 3600;
const FROM = BASE - 6 * 3600;
const TO = BASE + 3 * 3600;
/** A time `seconds` after BASE, as ClickHouse reads a DateTime64 literal (UTC, the server's zone in chDB). */
const at = (seconds: number, digits = 3): string =>
  new Date((BASE + seconds) * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '')
    .padEnd(20 + digits, '0');

interface Query {
  dashboard: string;
  panel: string;
  sql: string;
}

async function dashboardQueries(): Promise<Query[]> {
  const queries: Query[] = [];
  for (const file of (await readdir(DASHBOARDS)).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(await readFile(join(DASHBOARDS, file), 'utf8')) as {
      panels: Array<{ title: string; datasource: { type: string }; targets: Array<{ rawSql: string }> }>;
    };
    for (const panel of dashboard.panels) {
      expect(panel.datasource.type).toBe('grafana-clickhouse-datasource');
      for (const target of panel.targets) queries.push({ dashboard: file, panel: panel.title, sql: target.rawSql });
    }
  }
  return queries;
}

/** Grafana's ClickHouse datasource expands these macros before the query reaches the server; this is what they become. */
export function expandMacros(sql: string): string {
  const expanded = sql
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_match, column: string) => `(${column} >= toDateTime(${FROM}) AND ${column} <= toDateTime(${TO}))`,
    )
    .replace(/\$__timeInterval\(([^)]+)\)/g, (_match, column: string) => `toStartOfInterval(toDateTime(${column}), INTERVAL 60 second)`)
    .replaceAll('$__fromTime', `toDateTime(${FROM})`)
    .replaceAll('$__toTime', `toDateTime(${TO})`);
  if (expanded.includes('$')) throw new Error(`a macro or variable the test does not expand is left in:\n${expanded}`);
  return expanded;
}

let dataDir: string;
let store: LogStore;
const queries = await dashboardQueries();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stacklens-dashboards-'));
  store = await openStore(loadConfig({ STACKLENS_DATA_DIR: dataDir }).store);
  const db = store.database;
  const run = (sql: string) => store.transport.command(sql);
  await run(`INSERT INTO ${db}.otel_logs (Timestamp, TraceId, SeverityText, SeverityNumber, ServiceName, Body, LogAttributes) VALUES
    ('${at(0, 9)}', '4bf92f3577b34da6a3ce929d0e0e4736', 'ERROR', 17, 'demo-pos', 'Product 999 has no price', map('pos.store.id', 'STORE_001', 'pos.kiosk.id', 'KIOSK_001', 'error.code', 'MISSING_PRICE')),
    ('${at(60, 9)}', '', 'ERROR', 17, 'demo-pos', 'boom', map('pos.store.id', 'STORE_002', 'pos.kiosk.id', 'KIOSK_003', 'exception.type', 'TypeError')),
    ('${at(120, 9)}', '', 'INFO', 9, 'demo-pos', 'order placed', map('pos.store.id', 'STORE_001'))`);
  await run(`INSERT INTO ${db}.incidents (id, fingerprint, service, errorType, severity, title, status, count, firstSeen, lastSeen, updatedAt, version) VALUES
    ('fp1', 'fp1', 'demo-pos', 'MISSING_PRICE', 'HIGH', 'Product <n> has no price', 'open', 2, '${at(0, 3)}', '${at(300, 3)}', '${at(300, 3)}', 2),
    ('fp2', 'fp2', 'demo-pos', 'PAYMENT_FAILED', 'CRITICAL', 'Card declined', 'resolved', 1, '${at(3600, 3)}', '${at(3600, 3)}', '${at(3600, 3)}', 1)`);
  await run(`INSERT INTO ${db}.incident_occurrences (incidentId, timestamp, detectedAt, service, errorType, severity, storeId, kioskId) VALUES
    ('fp1', '${at(0, 9)}', '${at(0.04, 3)}', 'demo-pos', 'MISSING_PRICE', 'HIGH', 'STORE_001', 'KIOSK_001')`);
  await run(`INSERT INTO ${db}.incident_audit (incidentId, stage, at, detail, actor) VALUES
    ('fp1', 'detected', '${at(0.04, 3)}', 'rule', 'stacklens'),
    ('fp1', 'ticket.created', '${at(3, 3)}', 'POS-1', 'stacklens')`);
  await run(`INSERT INTO ${db}.jira_links (fingerprint, incidentId, issueKey, url, status, statusCategory, createdAt, updatedAt, version, deleted) VALUES
    ('fp1', 'fp1', 'POS-1', 'https://jira.example.com/browse/POS-1', 'To Do', 'new', '${at(3, 3)}', '${at(3, 3)}', 1, 0)`);
}, 180_000);

afterAll(async () => {
  await store?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the provisioned dashboards', () => {
  it('have queries to check', () => {
    expect(queries.length).toBeGreaterThanOrEqual(10);
  });

  it.for(queries.map((query) => [`${query.dashboard} › ${query.panel}`, query] as const))(
    '%s runs on the store’s schema and finds the sample rows',
    async ([, query]) => {
      const rows = await store.transport.query<Record<string, unknown>>(expandMacros(query.sql));
      expect(rows.length, `no rows from:\n${query.sql}`).toBeGreaterThan(0);
    },
  );

  it('joins each incident to its ticket', async () => {
    const query = queries.find((candidate) => candidate.panel === 'Incidents and their tickets')!;
    const rows = await store.transport.query<{ error_type: string; ticket: string; ticket_status: string }>(expandMacros(query.sql));
    expect(rows.find((row) => row.error_type === 'MISSING_PRICE')).toMatchObject({ ticket: 'POS-1', ticket_status: 'To Do' });
  });

  it('measures time to ticket from the first occurrence', async () => {
    const query = queries.find((candidate) => candidate.panel === 'Time to ticket')!;
    const [row] = await store.transport.query<{ seconds_to_ticket: number }>(expandMacros(query.sql));
    expect(Number(row?.seconds_to_ticket)).toBe(3);
  });

  it('fails on a renamed column (the check is real)', async () => {
    await expect(
      store.transport.query(expandMacros('SELECT errorKind FROM stacklens.incidents FINAL WHERE $__timeFilter(lastSeen)')),
    ).rejects.toThrow(/errorKind/);
    expect(() => expandMacros('SELECT 1 WHERE x = $store')).toThrow(/does not expand/);
  });
});
