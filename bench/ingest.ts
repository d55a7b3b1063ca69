/**
 * `npm run bench`: OTLP protobuf batches of 1,000 records posted to the
 * receiver for BENCH_SECONDS (default 20), records stored per second, set
 * against the rate at which the same rows insert straight into the same store
 * in the same run.
 *
 * The client (ingestClient.ts) runs in a worker thread and shares the machine's
 * cores with the receiver and the engine, so it is kept lean: node:http with a
 * keep-alive Agent instead of fetch (about a third of the CPU per request), the
 * same real OTLP protobuf bodies, only 200s counted. The straight inserts get
 * their payloads as bytes made once up front, so the limit is the engine's own
 * rate (same rows, same 10,000-row JSONCompactEachRow inserts as before).
 * Besides rates, the report gives CPU per stored record (receiver main thread,
 * client thread, whole process: the rest is the engine) and what other
 * processes used meanwhile, to tell a slow run from a busy machine.
 *
 * Where the time goes: the main thread is profiled (V8 sampling profiler,
 * profileSplit.ts) in a pass of its own after the measured rounds, and its CPU is split into
 * decode, encode, detection, HTTP, GC and the rest by the files the samples fall
 * in; the engine's share is the process's CPU beyond the JavaScript threads, and
 * its own counters (system.events: inserts, insert time, merges) are read around
 * each phase. The report goes to the console; `--write` also puts it into
 * docs/benchmarks.md (`npm run bench:ingest -- --write`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createReceiver,
  decodeProtobufRequest,
  encodeLogRows,
  loadConfig,
  LOG_COLUMNS,
  openStore,
  toLogRows,
  type LogStore,
} from '@stacklens/receiver';
import type { ClientJob, ClientResult } from './ingestClient.ts';
import { posLogRequests } from '@stacklens/test-support/otlp';
import { MainThreadProfiler, splitProfile, STAGES, type Stage } from './profileSplit.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const RECORDS_PER_REQUEST = 1_000;
const DISTINCT_BODIES = 40;
const STRAIGHT_BATCH_REQUESTS = 10; // 10,000-row inserts, the engine's sweet spot
const ROUNDS = 4;
const TARGET_RATE = 80_000;
const TARGET_RATIO = 0.85;
/** `--write` puts the report into docs/benchmarks.md (its own marked section); a plain run only prints. */
const WRITE = process.argv.includes('--write');
/**
 * The main thread's CPU profile is taken in a pass of its own after the measured rounds, and
 * only its shares are applied to the main thread's CPU of those rounds: V8's sampling profiler
 * costs main-thread time itself, and while it runs the event loop never counts as idle (91–94 %
 * busy with it against ~40 % without, same load), so rates, CPU and the event loop are measured
 * unprofiled. BENCH_PROFILE=off skips the pass (no split); BENCH_CPU_PROFILE=file.cpuprofile
 * keeps the profile for `node bench/profileSplit.ts file.cpuprofile` or a profile viewer.
 */
const PROFILE = process.env.BENCH_PROFILE !== 'off';
const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const SECTION_START = '<!-- bench:ingest:start -->';
const SECTION_END = '<!-- bench:ingest:end -->';

interface PhaseResult {
  records: number;
  elapsedMs: number;
  cpuMs: number;
  otherCores: number;
}

function straightPayloads(bodies: Uint8Array[]): Buffer[] {
  const payloads: Buffer[] = [];
  for (let i = 0; i < bodies.length; i += STRAIGHT_BATCH_REQUESTS) {
    const rows = bodies.slice(i, i + STRAIGHT_BATCH_REQUESTS).flatMap((body) => toLogRows(decodeProtobufRequest(body)).rows);
    payloads.push(Buffer.from(encodeLogRows(rows), 'utf8'));
  }
  return payloads;
}

/** CPU time used by the whole machine so far, in ms (Linux /proc/stat; 0 elsewhere). */
function machineCpuMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
    return (user + nice + system + irq + softirq) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU time of this process's threads so far, in ms, by kind of thread (Linux /proc/self/task;
 * empty elsewhere). The engine names its threads: MergeMutate runs merges; the insert itself
 * runs on the libuv thread that called chDB and on the query pipeline and global pools;
 * V8Worker threads do V8's concurrent GC and compilation for the JavaScript threads;
 * WorkerThread is the bench's client. An insert's parser threads (Segmentator, ChunkParser) live
 * for that insert only: those that end within a phase are missed here (a thread is read at the
 * phase's start and end), so `insert` is a floor; the whole-process figures include them.
 */
const THREAD_KINDS: Array<[RegExp, string]> = [
  [/^MergeMutate/, 'merges'],
  [/^(libuv-worker|QueryPipelineEx|QueryCompPipeEx|ThreadPool|QueryPullPipeEx|Segmentator|ChunkParser)/, 'insert'],
  [/^V8Worker/, 'v8 helpers'],
  [/^MainThread/, 'js'],
  [/^WorkerThread/, 'client'],
];

function threadCpuMs(): Map<string, number> {
  const byThread = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const kind = THREAD_KINDS.find(([pattern]) => pattern.test(name))?.[1] ?? 'other engine';
      byThread.set(`${tid} ${kind}`, (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    // not Linux: no split
  }
  return byThread;
}

/** CPU ms by kind of thread between two readings (threads that ended in between are missed). */
function threadCpuSince(before: Map<string, number>): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const [key, ms] of threadCpuMs()) {
    const kind = key.slice(key.indexOf(' ') + 1);
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms - (before.get(key) ?? 0));
  }
  return byKind;
}

function addThreads(total: Map<string, number>, phase: Map<string, number>): void {
  for (const [kind, ms] of phase) total.set(kind, (total.get(kind) ?? 0) + ms);
}

/** CPU of this process and of the rest of the machine over a phase. */
class CpuMeter {
  readonly #process = process.cpuUsage();
  readonly #machine = machineCpuMs();
  readonly #started = performance.now();

  /** [this process's CPU ms, other processes' cores]. */
  read(): [number, number] {
    const used = process.cpuUsage(this.#process);
    const processMs = (used.user + used.system) / 1000;
    const otherMs = Math.max(0, machineCpuMs() - this.#machine - processMs);
    return [processMs, otherMs / (performance.now() - this.#started)];
  }
}

/** The engine's own counters (system.events, ProfileEvents summed over the process) the report reads. */
const ENGINE_EVENTS = [
  'InsertQuery',
  'InsertedRows',
  'InsertQueryTimeMicroseconds',
  'SelectQuery',
  'SelectQueryTimeMicroseconds',
  'MergedRows',
  'MergeTotalMilliseconds',
  'UserTimeMicroseconds',
  'SystemTimeMicroseconds',
] as const;
type EngineEvents = Record<(typeof ENGINE_EVENTS)[number], number>;

async function engineEvents(store: LogStore): Promise<EngineEvents> {
  const rows = await store.transport.query<{ event: string; value: string }>(
    `SELECT event, value FROM system.events WHERE event IN (${ENGINE_EVENTS.map((event) => `'${event}'`).join(', ')})`,
  );
  const values = Object.fromEntries(ENGINE_EVENTS.map((event) => [event, 0])) as EngineEvents;
  for (const row of rows) values[row.event as keyof EngineEvents] = Number(row.value);
  return values;
}

function addEvents(total: EngineEvents, before: EngineEvents, after: EngineEvents): void {
  for (const event of ENGINE_EVENTS) total[event] += after[event] - before[event];
}

function emptyEvents(): EngineEvents {
  return Object.fromEntries(ENGINE_EVENTS.map((event) => [event, 0])) as EngineEvents;
}

/** What the engine did per stored row: inserts and their time, other queries, merges. */
function engineLine(events: EngineEvents, records: number, logInserts: number): string {
  const per = (value: number) => (records === 0 ? '–' : ((value * 1000) / records).toFixed(1));
  const insertMs = events.InsertQueryTimeMicroseconds / 1000;
  return (
    `${events.InsertQuery} inserts (${events.InsertQuery - logInserts} into other tables), ${(insertMs / Math.max(1, events.InsertQuery)).toFixed(1)} ms each, ` +
    `${per(insertMs)} µs insert time per record; ${events.SelectQuery} selects (${(events.SelectQueryTimeMicroseconds / 1000).toFixed(0)} ms); ` +
    `${(events.MergedRows / Math.max(1, records)).toFixed(2)} rows merged per record, ${per(events.MergeTotalMilliseconds)} µs merge time per record`
  );
}

/**
 * The straight inserts go to a table of their own with the same DDL, so the engine merges the
 * parts of each path apart (a merge of one path's parts is that path's work), and between
 * phases the merges still running are let finish (up to MERGE_DRAIN_MS, counted in neither
 * phase): otherwise each phase would pay for the merges its predecessor left behind.
 *
 * A drain of 3 s is not enough on a loaded machine (the straight path makes more parts a second
 * than the receiver, and their merges ran on into the receiver's phase, 13–16 µs of merges per
 * receiver record against 7–8 for the straight path, detection on or off). So during each phase
 * the other path's tables do not merge at all (SYSTEM STOP MERGES, started again in its own
 * phase): every merge runs in the phase of the path whose parts it merges.
 */
const STRAIGHT_TABLE = 'bench.otel_logs_straight';
const MERGE_DRAIN_MS = 3_000;

async function drainMerges(store: LogStore): Promise<void> {
  const until = performance.now() + MERGE_DRAIN_MS;
  while (performance.now() < until) {
    const [row] = await store.transport.query<{ running: string }>("SELECT count() AS running FROM system.merges WHERE database = 'bench'");
    if (Number(row?.running ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Lets only `path`'s tables merge: the straight table, or the receiver's tables (logs and detection's). */
async function mergesOnlyFor(store: LogStore, path: 'straight' | 'receiver'): Promise<void> {
  const tables = await store.transport.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = 'bench' AND engine LIKE '%MergeTree%'",
  );
  for (const { name } of tables) {
    const straight = `bench.${name}` === STRAIGHT_TABLE;
    await store.transport.command(`SYSTEM ${straight === (path === 'straight') ? 'START' : 'STOP'} MERGES bench.\`${name}\``);
  }
}

let straightSequence = 0;

async function straightInsert(
  store: LogStore,
  payloads: Buffer[],
  durationMs: number,
  events: EngineEvents,
  threads: Map<string, number>,
): Promise<PhaseResult> {
  const rowsPerPayload = RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS;
  const eventsBefore = await engineEvents(store);
  const threadsBefore = threadCpuMs();
  const cpu = new CpuMeter();
  const started = performance.now();
  let records = 0;
  while (performance.now() < started + durationMs) {
    straightSequence += 1;
    await store.transport.insertCompactJson(STRAIGHT_TABLE, LOG_COLUMNS, payloads[straightSequence % payloads.length]!, {
      insert_deduplication_token: `straight-${straightSequence}`,
    });
    records += rowsPerPayload;
  }
  const elapsedMs = performance.now() - started;
  const [cpuMs, otherCores] = cpu.read();
  addThreads(threads, threadCpuSince(threadsBefore));
  addEvents(events, eventsBefore, await engineEvents(store));
  return { records, elapsedMs, cpuMs, otherCores };
}

interface ReceiverRun extends ClientResult {
  stored: number;
  eventLoopUtilization: number;
  mainThreadCpuMs: number;
  processCpuMs: number;
  otherCores: number;
  inserts: number;
  /** Main-thread busy ms per stage, from a CPU profile of the run. */
  split: Record<Stage, number>;
}

async function receiverRun(
  store: LogStore,
  bodies: Uint8Array[],
  durationMs: number,
  firstSequence: number,
  events: EngineEvents,
  threads: Map<string, number>,
  profile = false,
): Promise<ReceiverRun> {
  const receiver = await createReceiver(loadConfig({ ...process.env, RECEIVER_PORT: '0' }), { store });
  const address = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const before = await store.countLogs();
  const job: ClientJob = {
    url: `${address}/v1/logs`,
    bodies,
    recordsPerRequest: RECORDS_PER_REQUEST,
    concurrency,
    durationMs,
    firstSequence,
  };
  const loopBefore = performance.eventLoopUtilization();
  const mainBefore = process.threadCpuUsage();
  const insertsBefore = receiver.queue.stats().batchesWritten;
  const eventsBefore = await engineEvents(store);
  const threadsBefore = threadCpuMs();
  const cpu = new CpuMeter();
  const profiler = profile ? new MainThreadProfiler() : undefined;
  await profiler?.start();
  const worker = new Worker(new URL('./ingestClient.ts', import.meta.url), { workerData: job });
  const result = await new Promise<ClientResult>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  const cpuProfile = await profiler?.stop();
  if (cpuProfile && process.env.BENCH_CPU_PROFILE) writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(cpuProfile));
  const split = cpuProfile ? splitProfile(cpuProfile) : emptySplit();
  const eventLoopUtilization = performance.eventLoopUtilization(loopBefore).utilization;
  const main = process.threadCpuUsage(mainBefore);
  const [processCpuMs, otherCores] = cpu.read();
  addThreads(threads, threadCpuSince(threadsBefore));
  const inserts = receiver.queue.stats().batchesWritten - insertsBefore;
  addEvents(events, eventsBefore, await engineEvents(store));
  await worker.terminate();
  await receiver.close();
  return {
    ...result,
    stored: (await store.countLogs()) - before,
    eventLoopUtilization,
    mainThreadCpuMs: (main.user + main.system) / 1000,
    processCpuMs,
    otherCores,
    inserts,
    split,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-bench-'));
  const store = await openStore({ kind: 'chdb', dataDir, database: 'bench', retentionDays: 30 });
  await store.transport.command(`CREATE TABLE ${STRAIGHT_TABLE} AS ${store.logsTable}`);
  try {
    console.log(`Preparing ${DISTINCT_BODIES} OTLP protobuf bodies of ${RECORDS_PER_REQUEST} records (OTel JS SDK serializer)…`);
    const bodies = posLogRequests(DISTINCT_BODIES, RECORDS_PER_REQUEST);
    const meanBytes = Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length);

    const payloads = straightPayloads(bodies);
    const engineVersion = await store.serverVersion();
    const roundMs = (seconds * 1000) / ROUNDS;
    const straight: PhaseResult = { records: 0, elapsedMs: 0, cpuMs: 0, otherCores: 0 };
    const receiver = {
      acknowledged: 0,
      stored: 0,
      elapsedMs: 0,
      requests: 0,
      eventLoop: 0,
      statuses: {} as Record<string, number>,
      mainThreadCpuMs: 0,
      clientCpuMs: 0,
      processCpuMs: 0,
      otherCores: 0,
      inserts: 0,
      split: Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>,
    };
    const straightThreads = new Map<string, number>();
    const receiverThreads = new Map<string, number>();
    const straightEvents = emptyEvents();
    const receiverEvents = emptyEvents();
    // The two paths alternate in rounds, so background merges and a noisy
    // neighbour weigh on both alike.
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`round ${round}/${ROUNDS}: straight insert ${roundMs / 1000} s, then the receiver ${roundMs / 1000} s…`);
      await drainMerges(store);
      await mergesOnlyFor(store, 'straight');
      const direct = await straightInsert(store, payloads, roundMs, straightEvents, straightThreads);
      await drainMerges(store);
      await mergesOnlyFor(store, 'receiver');
      straight.records += direct.records;
      straight.elapsedMs += direct.elapsedMs;
      straight.cpuMs += direct.cpuMs;
      straight.otherCores += direct.otherCores / ROUNDS;
      const run = await receiverRun(store, bodies, roundMs, receiver.requests, receiverEvents, receiverThreads);
      receiver.acknowledged += run.acknowledgedRecords;
      receiver.stored += run.stored;
      receiver.elapsedMs += run.elapsedMs;
      receiver.requests += run.requests;
      receiver.eventLoop += run.eventLoopUtilization / ROUNDS;
      receiver.mainThreadCpuMs += run.mainThreadCpuMs;
      receiver.clientCpuMs += run.clientCpuMs;
      receiver.processCpuMs += run.processCpuMs;
      receiver.otherCores += run.otherCores / ROUNDS;
      receiver.inserts += run.inserts;
      for (const [status, count] of Object.entries(run.statuses)) receiver.statuses[status] = (receiver.statuses[status] ?? 0) + count;
      console.log(
        `  straight ${perSecond(direct.records, direct.elapsedMs)} rows/s, receiver ${perSecond(run.acknowledgedRecords, run.elapsedMs)} records/s ` +
          `(event loop busy ${(run.eventLoopUtilization * 100).toFixed(0)} %, other processes ${direct.otherCores.toFixed(2)} / ${run.otherCores.toFixed(2)} cores)`,
      );
    }
    // The profiled pass: its stores and CPU count in no figure above, only its shares of the main thread.
    let profiled: ReceiverRun | undefined;
    if (PROFILE) {
      console.log(`profile pass: the receiver ${roundMs / 1000} s under the sampling profiler (not counted in the rates)…`);
      await drainMerges(store);
      profiled = await receiverRun(store, bodies, roundMs, receiver.requests, emptyEvents(), new Map(), true);
      receiver.split = profiled.split;
    }
    const limit = straight.records / (straight.elapsedMs / 1000);
    const rate = receiver.acknowledged / (receiver.elapsedMs / 1000);
    const ratio = rate / limit;

    const report = `ingest benchmark (${new Date().toISOString()}, node ${process.version}, engine ${engineVersion}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}, ${seconds} s per path in ${ROUNDS} rounds, detection ${process.env.STACKLENS_DETECTION ?? 'on'})
  request body              ${RECORDS_PER_REQUEST} records, ${meanBytes} bytes protobuf (uncompressed), ${concurrency} requests in flight (${(concurrency * RECORDS_PER_REQUEST).toLocaleString('en')} rows: the most one receiver insert can hold)
  straight insert (limit)   ${Math.round(limit).toLocaleString('en')} rows/s   (${RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS}-row JSONCompactEachRow inserts of the same rows)
  receiver, stored + acked  ${Math.round(rate).toLocaleString('en')} records/s   (${receiver.requests} requests, statuses ${JSON.stringify(receiver.statuses)}, event loop busy ${(receiver.eventLoop * 100).toFixed(0)} %)
  inserts                   ${Math.round(receiver.stored / Math.max(1, receiver.inserts)).toLocaleString('en')} rows per receiver insert on average (${receiver.inserts} inserts)
  CPU per record, receiver  ${microsPer(receiver.mainThreadCpuMs, receiver.acknowledged)} µs main thread, ${microsPer(receiver.clientCpuMs, receiver.acknowledged)} µs client, ${microsPer(receiver.processCpuMs, receiver.acknowledged)} µs whole process (the rest is the engine)
  CPU per row, straight     ${microsPer(straight.cpuMs, straight.records)} µs whole process
  split per record (µs)     ${PROFILE ? splitLine(receiver, straight) : 'not profiled (BENCH_PROFILE=off)'}${
    profiled
      ? `
  profile pass              ${perSecond(profiled.acknowledgedRecords, profiled.elapsedMs)} records/s, ${microsPer(profiled.mainThreadCpuMs, profiled.acknowledgedRecords)} µs main thread per record, event loop busy ${(profiled.eventLoopUtilization * 100).toFixed(0)} % (the profiler's own cost; not in the figures above)`
      : ''
  }
  threads per record (µs)   receiver ${threadsLine(receiverThreads, receiver.acknowledged)}; straight ${threadsLine(straightThreads, straight.records)}
  engine, receiver          ${engineLine(receiverEvents, receiver.stored, receiver.inserts)}
  engine, straight          ${engineLine(straightEvents, straight.records, straight.records / (RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS))}
  other processes           ${straight.otherCores.toFixed(2)} cores during straight inserts, ${receiver.otherCores.toFixed(2)} during the receiver (of ${availableParallelism()}; a busy machine lowers both rates)
  ratio to the limit        ${(ratio * 100).toFixed(1)} %   (target ≥ ${TARGET_RATIO * 100} %)   ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}
  absolute rate             ${rate >= TARGET_RATE ? 'PASS' : 'MISS'} (target ≥ ${TARGET_RATE.toLocaleString('en')} records/s)
  acknowledged = stored     ${lossLine(receiver, profiled)}`;
    console.log(`\n${report}`);
    if (WRITE) writeSection(report);
    if (lossLine(receiver, profiled) !== 'yes') process.exitCode = 1;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The receiver's CPU per record by stage: decode, encode, detection, HTTP and GC on the main thread
 * (from its CPU profile); insert = the engine's threads (whole process minus the main and client
 * threads) plus the store's JavaScript; the straight insert's CPU per row beside it for scale.
 */
/** Whether every acknowledged record was stored, in the measured rounds and the profile pass. */
function lossLine(receiver: { acknowledged: number; stored: number }, profiled: ReceiverRun | undefined): string {
  if (receiver.acknowledged !== receiver.stored) return `NO: acknowledged ${receiver.acknowledged}, stored ${receiver.stored}`;
  if (profiled && profiled.acknowledgedRecords !== profiled.stored)
    return `NO in the profile pass: acknowledged ${profiled.acknowledgedRecords}, stored ${profiled.stored}`;
  return 'yes';
}

function emptySplit(): Record<Stage, number> {
  return Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
}

function splitLine(
  receiver: { split: Record<Stage, number>; acknowledged: number; processCpuMs: number; mainThreadCpuMs: number; clientCpuMs: number },
  straight: PhaseResult,
): string {
  // The profile's samples are wall-clock time on the main thread; its shares, applied to the
  // thread's CPU time, give CPU per stage (a busy machine deschedules the thread mid-sample).
  const sampled = STAGES.reduce((sum, stage) => sum + receiver.split[stage], 0);
  const scale = sampled > 0 ? receiver.mainThreadCpuMs / sampled : 0;
  const per = (ms: number) => microsPer(ms * scale, receiver.acknowledged);
  const { decode, encode, detection, store, http, gc, other } = receiver.split;
  const engine = Math.max(0, receiver.processCpuMs - receiver.mainThreadCpuMs - receiver.clientCpuMs);
  return (
    `decode ${per(decode)}, encode ${per(encode)}, insert ${microsPer(engine + store * scale, receiver.acknowledged)} (engine ${microsPer(engine, receiver.acknowledged)}; straight ${microsPer(straight.cpuMs, straight.records)}), ` +
    `detection ${per(detection)}, other ${per(http + gc + other)} (http ${per(http)}, gc ${per(gc)}, rest ${per(other)})`
  );
}

function threadsLine(threads: Map<string, number>, records: number): string {
  return [...threads]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${microsPer(ms, records)}`)
    .join(', ');
}

/** Replaces the benchmark's marked section of docs/benchmarks.md with this run's report. */
function writeSection(report: string): void {
  const doc = readFileSync(DOC, 'utf8');
  const section = `${SECTION_START}\nLast \`npm run bench:ingest -- --write\`:\n\n\`\`\`\n${report}\n\`\`\`\n${SECTION_END}`;
  const start = doc.indexOf(SECTION_START);
  const end = doc.indexOf(SECTION_END);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no ${SECTION_START} … ${SECTION_END} section to write into`);
  writeFileSync(DOC, doc.slice(0, start) + section + doc.slice(end + SECTION_END.length));
  console.log('\nwritten to docs/benchmarks.md (the ingest section between its bench:ingest markers)');
}

function perSecond(count: number, elapsedMs: number): string {
  return Math.round(count / (elapsedMs / 1000)).toLocaleString('en');
}

function microsPer(cpuMs: number, count: number): string {
  return count === 0 ? '–' : ((cpuMs * 1000) / count).toFixed(1);
}

await main();
