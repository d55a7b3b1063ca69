/**
 * `npm run bench:ingest:engine`: what one insert costs the embedded engine on our `otel_logs`
 * DDL (the exporter's, ZSTD(3) and materialized columns), with no receiver in the way. It
 * answers two questions the receiver's profile raises:
 *
 * - **rows per insert**: the process's CPU per row for JSONCompactEachRow inserts of 2,000 to
 *   40,000 rows, with the table's merges stopped (so it is the insert's own cost) and then the
 *   merges those parts cause, drained and counted apart; a fixed cost per insert shows as CPU
 *   per row falling with size;
 * - **settings**: the engine's parallel parser on and off for the receiver's insert size;
 * - **format**: the same rows in each format chDB's raw insert takes (JSONCompactEachRow,
 *   JSONEachRow, TabSeparated, CSV), the payloads rendered by the engine itself from the stored
 *   rows, so only the parsing differs.
 *
 * Configurations alternate in ROUNDS, so a neighbour's load weighs on each alike. Prints only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtobufRequest, encodeLogRows, LOG_COLUMNS, openStore, toLogRows, type LogStore } from '@stacklens/receiver';
import { posLogRequests } from '@stacklens/test-support/otlp';
import { Session } from 'chdb';

const DISTINCT_BODIES = 40;
const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 3);
const SIZES = [2_000, 4_000, 8_000, 10_000, 20_000, 40_000];
const FORMATS = ['JSONCompactEachRow', 'JSONEachRow', 'TabSeparated', 'CSV'] as const;
type Format = (typeof FORMATS)[number];
const MERGE_DRAIN_MS = 20_000;
/** Insert settings tried on 8,000-row inserts (the receiver's size with 8 requests of 1,000 in flight). */
const SETTINGS: Array<[string, Record<string, number>]> = [
  ['defaults', {}],
  ['no parallel parsing', { input_format_parallel_parsing: 0 }],
];

interface Cost {
  rows: number;
  inserts: number;
  insertCpuMs: number;
  mergeCpuMs: number;
}

function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Waits until no merge runs and the table's part count has held for a second (or MERGE_DRAIN_MS passed). */
async function waitForMerges(store: LogStore, table: string): Promise<void> {
  const [database, name] = table.split('.');
  const until = performance.now() + MERGE_DRAIN_MS;
  let last = -1;
  let steadySince = performance.now();
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [row] = await store.transport.query<{ parts: string; running: string }>(
      `SELECT (SELECT count() FROM system.parts WHERE active AND database = '${database}' AND table = '${name}') AS parts, ` +
        `(SELECT count() FROM system.merges WHERE database = '${database}' AND table = '${name}') AS running`,
    );
    const parts = Number(row?.parts ?? 0);
    if (parts !== last || Number(row?.running ?? 0) > 0) {
      last = parts;
      steadySince = performance.now();
    } else if (performance.now() - steadySince >= 1_000) return;
  }
}

let tableSequence = 0;

/** Inserts `payloads` into a fresh table like otel_logs: insert CPU with merges stopped, then the merges' CPU. */
async function measure(
  store: LogStore,
  session: Session,
  payloads: Buffer[],
  rowsEach: number,
  format: Format,
  cost: Cost,
  settings: Record<string, number> = {},
): Promise<void> {
  tableSequence += 1;
  const table = `bench.engine_${tableSequence}`;
  await store.transport.command(`CREATE TABLE ${table} AS ${store.logsTable}`);
  await store.transport.command(`SYSTEM STOP MERGES ${table}`);
  const before = cpuMs();
  for (const [index, payload] of payloads.entries()) {
    await session.insert({
      table,
      columns: LOG_COLUMNS,
      values: payload,
      format,
      settings: { ...settings, insert_deduplication_token: `${table}-${index}` },
    });
  }
  const inserted = cpuMs();
  await store.transport.command(`SYSTEM START MERGES ${table}`);
  await waitForMerges(store, table);
  cost.rows += payloads.length * rowsEach;
  cost.inserts += payloads.length;
  cost.insertCpuMs += inserted - before;
  cost.mergeCpuMs += cpuMs() - inserted;
  await store.transport.command(`DROP TABLE ${table} SYNC`);
}

/** The stored rows rendered by the engine in `format`, `rowsEach` rows per payload. */
async function renderedPayloads(session: Session, source: string, format: Format, rowsEach: number, total: number): Promise<Buffer[]> {
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < total; offset += rowsEach) {
    const result = await session.queryAsync(
      `SELECT ${LOG_COLUMNS.map((column) => `\`${column}\``).join(', ')} FROM ${source} ORDER BY _part, _part_offset LIMIT ${rowsEach} OFFSET ${offset}`,
      { format },
    );
    payloads.push(Buffer.from(result.text(), 'utf8'));
  }
  return payloads;
}

function line(label: string, cost: Cost): string {
  // Merges: the process's CPU while the parts merge after the inserts, until the part count holds.
  const per = (ms: number) => ((ms * 1000) / cost.rows).toFixed(1);
  const fixed = cost.insertCpuMs / cost.inserts;
  return `  ${label.padEnd(22)} insert ${per(cost.insertCpuMs).padStart(5)} µs/row, merges ${per(cost.mergeCpuMs).padStart(5)} µs/row, total ${per(cost.insertCpuMs + cost.mergeCpuMs).padStart(5)} µs/row (${fixed.toFixed(1)} ms CPU per insert)`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-bench-engine-'));
  const store = await openStore({ kind: 'chdb', dataDir, database: 'bench', retentionDays: 30 });
  // The engine's own session on the store's folder (one engine per process), for raw inserts in any format.
  const session = new Session(dataDir);
  try {
    // The ingest bench's 40 bodies of 1,000 records: 40,000 rows per configuration and round.
    const records = posLogRequests(DISTINCT_BODIES, 1_000).flatMap((body) => toLogRows(decodeProtobufRequest(body)).rows);
    // The source rows, stored once; every payload below is rendered from them.
    const source = 'bench.engine_source';
    await store.transport.command(`CREATE TABLE ${source} AS ${store.logsTable}`);
    for (let i = 0; i < records.length; i += 10_000) {
      await store.transport.insertCompactJson(source, LOG_COLUMNS, encodeLogRows(records.slice(i, i + 10_000)));
    }
    await store.transport.command(`OPTIMIZE TABLE ${source} FINAL`);
    const total = records.length;
    const bySize = new Map<number, Buffer[]>();
    for (const size of SIZES) bySize.set(size, await renderedPayloads(session, source, 'JSONCompactEachRow', size, total));
    const byFormat = new Map<Format, Buffer[]>();
    for (const format of FORMATS) byFormat.set(format, await renderedPayloads(session, source, format, 10_000, total));

    const sizeCost = new Map(SIZES.map((size) => [size, { rows: 0, inserts: 0, insertCpuMs: 0, mergeCpuMs: 0 }]));
    const settingsCost = new Map(SETTINGS.map(([label]) => [label, { rows: 0, inserts: 0, insertCpuMs: 0, mergeCpuMs: 0 }]));
    const formatCost = new Map(FORMATS.map((format) => [format, { rows: 0, inserts: 0, insertCpuMs: 0, mergeCpuMs: 0 }]));
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`round ${round}/${ROUNDS}…`);
      for (const size of SIZES) await measure(store, session, bySize.get(size)!, size, 'JSONCompactEachRow', sizeCost.get(size)!);
      for (const format of FORMATS) await measure(store, session, byFormat.get(format)!, 10_000, format, formatCost.get(format)!);
      for (const [label, settings] of SETTINGS) {
        await measure(store, session, bySize.get(8_000)!, 8_000, 'JSONCompactEachRow', settingsCost.get(label)!, settings);
      }
    }
    console.log(
      `\nengine insert cost (${new Date().toISOString()}, node ${process.version}, engine ${await store.serverVersion()}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, ${total} rows × ${ROUNDS} rounds per configuration; CPU of the whole process)`,
    );
    console.log('rows per insert (JSONCompactEachRow):');
    for (const size of SIZES) console.log(line(`${size.toLocaleString('en')} rows`, sizeCost.get(size)!));
    console.log('insert settings (8,000-row JSONCompactEachRow inserts):');
    for (const [label] of SETTINGS) console.log(line(label, settingsCost.get(label)!));
    console.log('format (10,000-row inserts):');
    for (const format of FORMATS) {
      const bytes = byFormat.get(format)!.reduce((sum, payload) => sum + payload.length, 0);
      console.log(line(`${format} (${Math.round(bytes / total)} B/row)`, formatCost.get(format)!));
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
