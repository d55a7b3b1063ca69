import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReceiver, loadConfig, openStore, type LogStore, type Receiver } from '@stacklens/receiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../receiver/src/migrations.ts';
import { EXPORTER_MODULE, EXPORTER_VERSION, runExporterOracle, type OracleResult, type OracleRow } from '../src/exporterOracle.ts';
import { edgeCases, encodeRequest, generatedCases } from './support/otlpCorpus.ts';
import { scratchDir } from './support/pipeline.ts';

// The receiver's otel_logs against the contrib clickhouseexporter's own code
// (collector/oracle/stacklens_oracle_test.go, run inside the exporter's package):
// the same OTLP requests give the same rows, and the same DDL gives the same table.
// Our rows are read back from the embedded engine after the receiver stored them,
// so the comparison covers what ClickHouse holds, byte for byte.

const GENERATED = 200;

function hasGo(): boolean {
  try {
    execFileSync('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

const scratch = scratchDir('oracle');
const corpusDir = join(scratch.dir, 'corpus');
const now = BigInt(Date.now()) * 1_000_000n;
const corpus = { ...edgeCases(now), ...generatedCases(now, GENERATED) };
let oracle: OracleResult;
let store: LogStore;
let receiver: Receiver;

const REQUIRED = process.env.STACKLENS_REQUIRE_COLLECTOR === '1';
const describeWithGo = hasGo() || REQUIRED ? describe : describe.skip;
if (!hasGo() && !REQUIRED) console.warn('[collector] skipping the exporter comparison: no `go` on the PATH');

/** The stored rows in the oracle's representation (see OracleRow). */
function selectRows(table: string): string {
  const text = (column: string) => `lower(hex(${column}))`;
  const map = (column: string) => `arrayMap((k, v) -> [lower(hex(k)), lower(hex(v))], mapKeys(${column}), mapValues(${column}))`;
  return `SELECT [toString(toUnixTimestamp64Nano(Timestamp)), ${text('TraceId')}, ${text('SpanId')}, toString(TraceFlags),
    ${text('SeverityText')}, toString(SeverityNumber), ${text('ServiceName')}, ${text('Body')}, ${text('ResourceSchemaUrl')},
    toJSONString(${map('ResourceAttributes')}), ${text('ScopeSchemaUrl')}, ${text('ScopeName')}, ${text('ScopeVersion')},
    toJSONString(${map('ScopeAttributes')}), toJSONString(${map('LogAttributes')}), ${text('EventName')}] AS row FROM ${table}`;
}

/** OracleRow with every value as text, maps as JSON, for comparing sets of rows. */
function canonical(row: OracleRow): string {
  return JSON.stringify(row.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))));
}

/** What a column name, its value in the two rows and the file say when they differ. */
function differences(file: string, ours: string[], theirs: string[], columns: string[]): string[] {
  const found: string[] = [];
  const missing = theirs.filter((row) => !ours.includes(row));
  const extra = ours.filter((row) => !theirs.includes(row));
  for (let n = 0; n < Math.max(missing.length, extra.length); n++) {
    const expected = JSON.parse(missing[n] ?? 'null') as string[] | null;
    const actual = JSON.parse(extra[n] ?? 'null') as string[] | null;
    if (!expected || !actual) {
      found.push(`${file}: ${expected ? 'a row the exporter writes is missing' : 'a row the exporter does not write'}`);
      continue;
    }
    columns.forEach((column, c) => {
      if (expected[c] !== actual[c]) found.push(`${file} ${column}: exporter ${decode(expected[c])}, receiver ${decode(actual[c])}`);
    });
  }
  return found;
}

/** Hex back to text for a readable message (maps stay as pairs). */
function decode(value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (/^[0-9a-f]*$/.test(value)) return JSON.stringify(Buffer.from(value, 'hex').toString('latin1'));
  return value;
}

describeWithGo(`the receiver against ${EXPORTER_MODULE.split('/').pop()} ${EXPORTER_VERSION}`, () => {
  beforeAll(async () => {
    mkdirSync(corpusDir, { recursive: true });
    for (const [name, request] of Object.entries(corpus)) writeFileSync(join(corpusDir, `${name}.pb`), encodeRequest(request));
    oracle = await runExporterOracle(corpusDir);
    store = await openStore({ kind: 'chdb', dataDir: join(scratch.dir, 'data'), database: 'stacklens', retentionDays: 30 });
    // Records dated 1970 (no time at all) would go at the first TTL merge: keep them for the comparison.
    await store.transport.command(`SYSTEM STOP TTL MERGES ${store.logsTable}`);
    receiver = await createReceiver(loadConfig({ RECEIVER_PORT: '0', STACKLENS_DETECTION: 'off', STACKLENS_DATA_DIR: scratch.dir }), {
      store,
    });
  }, 900_000);

  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    scratch.remove();
  });

  it(`stores every request of the corpus (${Object.keys(corpus).length} files) as the exporter's rows`, async () => {
    expect(Object.keys(oracle.files).sort()).toEqual(Object.keys(corpus).sort());
    const found: string[] = [];
    for (const [file, rows] of Object.entries(oracle.files)) {
      const answer = await receiver.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/x-protobuf' },
        payload: Buffer.from(encodeRequest(corpus[file]!)),
      });
      expect(answer.statusCode, `${file}: ${answer.body}`).toBe(200);
      const stored = await store.transport.query<{ row: string[] }>(selectRows(store.logsTable));
      await store.transport.command(`TRUNCATE TABLE ${store.logsTable}`);
      const ours = stored.map((entry) => JSON.stringify(entry.row)).sort();
      const theirs = rows.map(canonical).sort();
      found.push(...differences(file, ours, theirs, oracle.columns));
    }
    expect(found).toEqual([]);
  });

  it('creates the exporter’s table: columns, types, codecs, comments, materialized columns, indexes, keys and settings', async () => {
    for (const [variant, ddl] of Object.entries(oracle.ddl)) {
      const ours = `ours_${variant}`;
      await store.transport.command(`CREATE DATABASE IF NOT EXISTS ${ours}`);
      for (const migration of migrations({ database: ours, retentionDays: 30, textIndexes: variant === 'text' })) {
        for (const statement of migration.statements) await store.transport.command(statement);
      }
      expectSameTable(await describeTable(ours), await describeTable(await exporterTable(variant, ddl)), variant);
    }
  });

  it('brings a table made by an earlier receiver (ZSTD(1), no comments, no materialized columns) to the exporter’s layout', async () => {
    for (const [variant, ddl] of Object.entries(oracle.ddl)) {
      const earlier = `earlier_${variant}`;
      const all = migrations({ database: earlier, retentionDays: 30, textIndexes: variant === 'text' });
      const upgrade = all.find((migration) => migration.id.endsWith('otel_logs_exporter_v0_165'));
      expect(upgrade, 'the migration to the v0.165.0 layout').toBeDefined();
      await store.transport.command(`CREATE DATABASE IF NOT EXISTS ${earlier}`);
      // The table as receivers before that migration made it, with a row in it.
      const [create, ...rest] = all[0]!.statements;
      await store.transport.command(earlierLayout(create!));
      for (const statement of rest) await store.transport.command(statement);
      await store.transport.command(
        `INSERT INTO ${earlier}.otel_logs (Timestamp, ServiceName, ResourceAttributes) VALUES (now64(9), 'svc', map('k8s.pod.name', 'pod-1'))`,
      );
      for (const migration of all.slice(1)) {
        for (const statement of migration.statements) await store.transport.command(statement);
      }
      // Idempotent: another receiver running it again changes nothing.
      for (const statement of upgrade!.statements) await store.transport.command(statement);
      expectSameTable(await describeTable(earlier), await describeTable(await exporterTable(variant, ddl)), variant);
      const rows = await store.transport.query<{ pod: string }>(
        `SELECT \`__otel_materialized_k8s.pod.name\` AS pod FROM ${earlier}.otel_logs`,
      );
      expect(rows).toEqual([{ pod: 'pod-1' }]);
    }
  });
});

/** The exporter's own CREATE TABLE run in a database of its own; returns that database. */
async function exporterTable(variant: string, ddl: string): Promise<string> {
  const database = `exporter_${variant}`;
  await store.transport.command(`CREATE DATABASE IF NOT EXISTS ${database}`);
  await store.transport.command(ddl.replace('CREATE TABLE IF NOT EXISTS `oracle`.', `CREATE TABLE IF NOT EXISTS \`${database}\`.`));
  return database;
}

/** A CREATE TABLE of ours as it was before the v0.165.0 layout: ZSTD(1), no comments, no materialized columns, no EventName index. */
function earlierLayout(create: string): string {
  return create
    .split('\n')
    .filter((line) => !line.includes('__otel_materialized_') && !line.includes('idx_event_name'))
    .join('\n')
    .replace(/ COMMENT '[^']*'/g, '')
    .replaceAll('ZSTD(3)', 'ZSTD(1)')
    .replace(/,(\s*\)\s*ENGINE)/, '$1');
}

interface TableDescription {
  columns: unknown[];
  indexes: unknown[];
  table: { settings: string }[];
}

async function describeTable(database: string): Promise<TableDescription> {
  const where = `database = '${database}' AND table = 'otel_logs'`;
  return {
    columns: await store.transport.query(
      `SELECT name, type, position, default_kind, default_expression, comment, compression_codec FROM system.columns WHERE ${where} ORDER BY position`,
    ),
    indexes: await store.transport.query(
      `SELECT name, type_full, expr, granularity FROM system.data_skipping_indices WHERE ${where} ORDER BY name`,
    ),
    table: await store.transport.query<{ settings: string }>(
      `SELECT engine, partition_key, sorting_key, primary_key, extract(create_table_query, 'SETTINGS (.*)$') AS settings
       FROM system.tables WHERE database = '${database}' AND name = 'otel_logs'`,
    ),
  };
}

function expectSameTable(actual: TableDescription, expected: TableDescription, variant: string): void {
  expect(actual.columns, variant).toEqual(expected.columns);
  expect(actual.indexes, variant).toEqual(expected.indexes);
  // The receiver adds a deduplication window for retried inserts (the exporter does not retry by token).
  const withoutWindow = (rows: { settings: string }[]) =>
    rows.map((row) => ({ ...row, settings: row.settings.replace(/, non_replicated_deduplication_window = \d+/, '') }));
  expect(withoutWindow(actual.table), variant).toEqual(withoutWindow(expected.table));
}
