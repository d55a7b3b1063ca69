/**
 * `npm run bench:collector`: the same OTLP load sent straight to the receiver
 * and through our Collector (collector/dist/otelcol-stacklens) over OTLP/HTTP
 * and over OTLP/gRPC, side by side in one run, in alternating passes. Direct
 * (OTLP/HTTP, the only protocol the receiver speaks) is the limit; each
 * Collector path's figure is its ratio to it, with the CPU each process spent
 * per record.
 *
 * The receiver and the Collector are real processes (the receiver's main.ts on
 * embedded chDB, detection on), so their CPU is read from /proc apart from the
 * client's (this process and its worker). A direct pass sends for
 * BENCH_COLLECTOR_SECONDS, the two Collector passes after it (their order
 * swapped every run) the same number of records each; a pass ends when the
 * receiver has stored every record acknowledged to the client — through the
 * Collector that includes draining its queue, so the rate is end to end.
 * `--collector-config FILE` runs the Collector on another configuration (the
 * A/B runs of a tuning: the same variables are set for it).
 * The load repeats 40 bodies, which would compress far better than real logs,
 * so the bytes per record on disk come from a second store filled by the real
 * POS (BENCH_COLLECTOR_POS_ORDERS orders, its real exporter, through the
 * Collector), merged (OPTIMIZE … FINAL) and read from system.parts. The
 * figures go to the console, and with `--write` (`npm run bench:collector -- --write`)
 * also to this benchmark's section of docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BINARY_PATH, COLLECTOR_GOGC, startCollector, type CollectorProcess } from '@stacklens/collector';
import { openStore } from '@stacklens/receiver';
import type { CollectorClientJob, CollectorClientResult, Protocol } from './collectorClient.ts';
import { posLogRequests } from '@stacklens/test-support/otlp';

const SECONDS = Number(process.env.BENCH_COLLECTOR_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_COLLECTOR_RUNS ?? 3);
const POS_ORDERS = Number(process.env.BENCH_COLLECTOR_POS_ORDERS ?? 20_000);
const RECORDS_PER_REQUEST = 1_000;
const CONCURRENCY = 4;
/** Issue 19: the Collector in the path costs at most 15 % end to end. */
const TARGET_RATIO = 0.85;
const COMMAND = 'npm run bench:collector';
const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const START_MARK = '<!-- bench:collector:start -->';
const END_MARK = '<!-- bench:collector:end -->';
/** Only `--write` changes docs/benchmarks.md: a run on a busy machine should not replace the recorded one by accident. */
const WRITE = process.argv.includes('--write');
const CONFIG_FLAG = process.argv.indexOf('--collector-config');
const COLLECTOR_CONFIG = CONFIG_FLAG >= 0 ? process.argv[CONFIG_FLAG + 1] : undefined;

type Path = 'direct' | 'collector-http' | 'collector-grpc';
const PATHS: readonly Path[] = ['direct', 'collector-http', 'collector-grpc'];

interface Pass {
  records: number;
  elapsedMs: number;
  receiverCpuMs: number;
  collectorCpuMs: number;
  /** This process: the client's worker and the polling of the receiver's health. */
  clientCpuMs: number;
  /** The receiver's inserts into the store during the pass. */
  inserts: number;
  duplicatesSkipped: number;
  statuses: Record<string, number>;
}

/** utime + stime of a process, in ms (Linux /proc; clock ticks at 100 Hz). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The most resident memory a process has had (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const line = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Math.round(Number(line[1]) / 1024) : Number.NaN;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface QueueStats {
  rowsWritten: number;
  batchesWritten: number;
  duplicatesSkipped: number;
}

interface ReceiverChild {
  child: ChildProcess;
  url: string;
  queue(): Promise<QueueStats>;
  rowsWritten(): Promise<number>;
  stop(): Promise<void>;
}

async function startReceiverProcess(dataDir: string): Promise<ReceiverChild> {
  const port = await freePort();
  const child = spawn(process.execPath, ['receiver/src/main.ts'], {
    env: {
      ...process.env,
      RECEIVER_PORT: String(port),
      STACKLENS_DATA_DIR: dataDir,
      STACKLENS_VIEWER_TOKEN: 'bench-viewer-token-0123456789',
      STACKLENS_ADMIN_TOKEN: 'bench-admin-token-0123456789',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const queue = async () => ((await (await fetch(`${url}/health`)).json()) as { queue: QueueStats }).queue;
  const rowsWritten = async () => (await queue()).rowsWritten;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let waited = 0; ; waited += 200) {
    try {
      await rowsWritten();
      break;
    } catch {
      if (waited > 60_000 || child.exitCode !== null) throw new Error('the receiver did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    child,
    url,
    queue,
    rowsWritten,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function send(
  protocol: Protocol,
  target: string,
  bodies: Uint8Array[],
  firstSequence: number,
  maxRequests?: number,
): Promise<CollectorClientResult> {
  const job: CollectorClientJob = {
    protocol,
    target,
    bodies,
    recordsPerRequest: RECORDS_PER_REQUEST,
    concurrency: CONCURRENCY,
    // A Collector pass sends what the direct pass stored, however long that takes.
    durationMs: maxRequests === undefined ? SECONDS * 1000 : Infinity,
    maxRequests,
    firstSequence,
  };
  const worker = new Worker(new URL('./collectorClient.ts', import.meta.url), { workerData: job });
  return new Promise<CollectorClientResult>((resolve, reject) => worker.once('message', resolve).once('error', reject)).finally(() =>
    worker.terminate(),
  );
}

interface BenchCollector {
  collector: CollectorProcess;
  httpUrl: string;
  grpcTarget: string;
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function pass(
  path: Path,
  receiver: ReceiverChild,
  { collector, httpUrl, grpcTarget }: BenchCollector,
  bodies: Uint8Array[],
  firstSequence: number,
  maxRequests?: number,
): Promise<Pass & { requests: number }> {
  await settle(receiver);
  const before = await receiver.queue();
  const receiverCpu = processCpuMs(receiver.child.pid!);
  const collectorCpu = processCpuMs(collector.child.pid!);
  const clientCpu = ownCpuMs();
  const started = performance.now();
  const result =
    path === 'direct'
      ? await send('http', receiver.url, bodies, firstSequence, maxRequests)
      : path === 'collector-http'
        ? await send('http', httpUrl, bodies, firstSequence, maxRequests)
        : await send('grpc', grpcTarget, bodies, firstSequence, maxRequests);
  // Done when every acknowledged record is stored: through the Collector, its queue has drained.
  let after = await receiver.queue();
  while (after.rowsWritten - before.rowsWritten < result.acknowledgedRecords) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = await receiver.queue();
  }
  return {
    records: result.acknowledgedRecords,
    elapsedMs: performance.now() - started,
    receiverCpuMs: processCpuMs(receiver.child.pid!) - receiverCpu,
    collectorCpuMs: processCpuMs(collector.child.pid!) - collectorCpu,
    clientCpuMs: ownCpuMs() - clientCpu,
    inserts: after.batchesWritten - before.batchesWritten,
    duplicatesSkipped: after.duplicatesSkipped - before.duplicatesSkipped,
    statuses: result.statuses,
    requests: result.requests,
  };
}

/**
 * Waits (at most 5 s) until the receiver's process is idle — its engine's merges of the last
 * pass's parts done — so that one pass's CPU is not charged to the next.
 */
async function settle(receiver: ReceiverChild): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 250) {
    const before = processCpuMs(receiver.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (processCpuMs(receiver.child.pid!) - before <= 25) return;
  }
}

function add(total: Pass, one: Pass): void {
  total.records += one.records;
  total.elapsedMs += one.elapsedMs;
  total.receiverCpuMs += one.receiverCpuMs;
  total.collectorCpuMs += one.collectorCpuMs;
  total.clientCpuMs += one.clientCpuMs;
  total.inserts += one.inserts;
  total.duplicatesSkipped += one.duplicatesSkipped;
  for (const [status, count] of Object.entries(one.statuses)) total.statuses[status] = (total.statuses[status] ?? 0) + count;
}

interface DiskUsage {
  rows: number;
  compressed: number;
  uncompressed: number;
}

async function diskUsage(dataDir: string): Promise<DiskUsage> {
  const store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  try {
    await store.transport.command(`OPTIMIZE TABLE ${store.logsTable} FINAL`);
    const [usage] = await store.transport.query<{ rows: string; compressed: string; uncompressed: string }>(
      `SELECT sum(rows) AS rows, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
       FROM system.parts WHERE active AND database = 'stacklens' AND table = 'otel_logs'`,
    );
    return { rows: Number(usage!.rows), compressed: Number(usage!.compressed), uncompressed: Number(usage!.uncompressed) };
  } finally {
    await store.close();
  }
}

const perSecond = (records: number, ms: number) => Math.round(records / (ms / 1000));
const micros = (ms: number, records: number) => ((ms * 1000) / records).toFixed(1);
const thousands = (value: number) => value.toLocaleString('en');

const LABELS: Record<Path, string> = {
  direct: 'direct, OTLP/HTTP (the limit)',
  'collector-http': 'Collector, OTLP/HTTP in',
  'collector-grpc': 'Collector, OTLP/gRPC in',
};

function report(
  totals: Record<Path, Pass>,
  disk: DiskUsage | undefined,
  meanBytes: number,
  loads: [number, number],
  collectorPeakMiB: number,
): string {
  const directRate = perSecond(totals.direct.records, totals.direct.elapsedMs);
  const cpuPerRecord = (one: Pass) => (one.receiverCpuMs + one.collectorCpuMs + one.clientCpuMs) / one.records;
  const column = (text: string, width: number) => text.padStart(width);
  const verdict = (path: Path, ratio: number) => (path === 'direct' ? '' : ratio >= TARGET_RATIO ? ' PASS' : ' MISS');
  const rows = PATHS.map((path) => {
    const one = totals[path];
    const rate = perSecond(one.records, one.elapsedMs);
    const ratio = rate / directRate;
    // What the path would reach on cores it has to itself: records per CPU-second of all three processes, against direct's.
    const cpuRatio = cpuPerRecord(totals.direct) / cpuPerRecord(one);
    return [
      `  ${LABELS[path].padEnd(32)}`,
      column(thousands(rate), 9),
      column(`${(ratio * 100).toFixed(1)} %${verdict(path, ratio)}`, 13),
      column((cpuPerRecord(one) * 1000).toFixed(1), 8),
      column(`${(cpuRatio * 100).toFixed(1)} %${verdict(path, cpuRatio)}`, 13),
      column(micros(one.receiverCpuMs, one.records), 10),
      column(path === 'direct' ? '–' : micros(one.collectorCpuMs, one.records), 11),
      column(micros(one.clientCpuMs, one.records), 8),
      column(thousands(Math.round(one.records / Math.max(one.inserts, 1))), 13),
      `   ${JSON.stringify(one.statuses)}${one.duplicatesSkipped > 0 ? ` (${one.duplicatesSkipped} duplicates skipped)` : ''}`,
    ].join('');
  });
  const onDisk = disk
    ? `${(disk.compressed / disk.rows).toFixed(1)} bytes per record (${(disk.uncompressed / disk.rows).toFixed(0)} uncompressed, ×${(disk.uncompressed / disk.compressed).toFixed(1)}; ${thousands(disk.rows)} real POS records through the Collector, merged)`
    : 'not measured (BENCH_COLLECTOR_POS_ORDERS=0)';
  return `collector benchmark (${new Date().toISOString()}, node ${process.version}, ${availableParallelism()} cores, ${RUNS} runs of ${SECONDS} s direct + the same records through the Collector per protocol, alternating; load average ${loads[0].toFixed(1)} → ${loads[1].toFixed(1)})
  Collector                       ${COLLECTOR_CONFIG ?? 'otel-collector-config.yaml'}, GOGC=${process.env.GOGC ?? COLLECTOR_GOGC}, peak resident memory ${collectorPeakMiB} MiB
  load                            OTLP protobuf, ${RECORDS_PER_REQUEST} POS records per request (${thousands(meanBytes)} bytes), ${CONCURRENCY} in flight, the same bytes on every path
  ratios to direct, target ≥ ${TARGET_RATIO * 100} %: of records/s stored (wall clock), and of records per CPU-second of receiver + Collector + client
  CPU µs per stored record: all, receiver (process incl. the embedded engine), Collector, client (this process)
                                   records/s   wall ratio  CPU µs    CPU ratio  receiver  Collector  client  rows/insert   statuses to the client
${rows.join('\n')}
  on disk after compression       ${onDisk}`;
}

function writeSection(text: string): void {
  const section = `${START_MARK}
## Collector in the path (issues 10 and 19)

**Command.** \`${COMMAND}\` (\`node bench/collector.ts\`; needs \`npm run collector:build\`;
\`-- --collector-config FILE\` runs another Collector configuration for A/B runs).
The same load, straight to the receiver and through our Collector over OTLP/HTTP and over
OTLP/gRPC, alternating; each run sends for \`BENCH_COLLECTOR_SECONDS\` (${SECONDS}) straight to the
receiver, then the same number of records through the Collector on each protocol (their order
swapped every run), after a warm-up that is not counted; a pass ends when the receiver has
stored every record acknowledged to the client, so the Collector's figures include draining its
queue, and the next starts once the receiver is idle (its merges done, up to 5 s). Receiver and
Collector are separate processes, their CPU read from \`/proc\`. Last run:

\`\`\`
${text}
\`\`\`

**Reading.** The Collector's cost is its own CPU per record on the cores the receiver and its
engine use (on this 2-core machine they share them with the load generator too); the
receiver's CPU per record differs between the paths by the size of its inserts (the
Collector's 10,000-record batches against the client's 1,000-record requests). The CPU ratio
(records per CPU-second of the three processes, against direct's) is what a path would reach
on cores it does not share; on a loaded machine it moves less than the wall-clock one. The
bytes per record come from real POS records; the load itself repeats 40 bodies and would
compress far better. docs/deployment.md turns these figures into a capacity plan.
${END_MARK}`;
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(START_MARK);
  const end = current.indexOf(END_MARK);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END_MARK.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, next);
}

async function startBenchCollector(dir: string, receiverUrl: string): Promise<BenchCollector> {
  const ports = { http: await freePort(), grpc: await freePort(), health: await freePort() };
  const collector = await startCollector({
    configPath: COLLECTOR_CONFIG,
    env: {
      STACKLENS_RECEIVER_URL: receiverUrl,
      COLLECTOR_OTLP_HTTP_PORT: String(ports.http),
      COLLECTOR_OTLP_GRPC_PORT: String(ports.grpc),
      COLLECTOR_HEALTH_PORT: String(ports.health),
      COLLECTOR_STORAGE_DIR: dir,
      POS_LOG_FILE: join(dir, 'no-such.log'),
      COLLECTOR_LOG_LEVEL: 'warn',
    },
    onLine: (line) => console.log(`[collector] ${line}`),
  });
  return { collector, httpUrl: `http://127.0.0.1:${ports.http}`, grpcTarget: `127.0.0.1:${ports.grpc}` };
}

/** Real POS records (the POS's own exporter, through the Collector) into a store of their own: what a record weighs on disk. */
async function posRecordsOnDisk(dir: string): Promise<DiskUsage> {
  const receiver = await startReceiverProcess(join(dir, 'store-pos'));
  const { collector, httpUrl: url } = await startBenchCollector(join(dir, 'collector-pos'), receiver.url);
  const pos = spawn(process.execPath, ['demo-pos/src/main.ts'], {
    env: { ...process.env, POS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: url, POS_PAYMENT_FAILURE_RATE: '0.05' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const posExited = new Promise((resolve) => pos.once('exit', resolve));
  const posUrl = await new Promise<string>((resolve, reject) => {
    pos.once('exit', () => reject(new Error('the POS exited early')));
    pos.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
  });
  const stores = ['STORE_001', 'STORE_002', 'STORE_003', 'STORE_004', 'STORE_005'];
  let placed = 0;
  const seller = async () => {
    while (placed < POS_ORDERS) {
      const n = placed++;
      await fetch(`${posUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          storeId: stores[n % stores.length],
          kioskId: `KIOSK_00${(n % 3) + 1}`,
          items: [{ productId: n % 7 === 0 ? '999' : '101', quantity: 1 + (n % 3) }],
        }),
      }).then((response) => response.arrayBuffer());
    }
  };
  await Promise.all(Array.from({ length: 16 }, seller));
  pos.kill('SIGTERM');
  await posExited;
  while ((await receiver.rowsWritten()) < POS_ORDERS) await new Promise((resolve) => setTimeout(resolve, 100));
  await collector.stop();
  await receiver.stop();
  return diskUsage(join(dir, 'store-pos'));
}

async function main(): Promise<void> {
  if (!existsSync(BINARY_PATH)) {
    console.error(`bench:collector needs our Collector: ${BINARY_PATH} is missing — npm run collector:build builds it (Go 1.26+).`);
    process.exit(1);
  }
  if (CONFIG_FLAG >= 0 && !(COLLECTOR_CONFIG && existsSync(COLLECTOR_CONFIG))) {
    console.error(`--collector-config needs the path of a Collector configuration file (got ${COLLECTOR_CONFIG ?? 'nothing'}).`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'stacklens-bench-collector-'));
  const receiver = await startReceiverProcess(join(dir, 'store'));
  const benchCollector = await startBenchCollector(join(dir, 'collector'), receiver.url);
  const { collector } = benchCollector;
  // Ctrl-C stops the processes this run started, not only the run.
  const interrupted = async () => {
    await Promise.all([collector.stop(), receiver.stop()]);
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  try {
    console.log(`Preparing 40 OTLP protobuf bodies of ${RECORDS_PER_REQUEST} records…`);
    const bodies = posLogRequests(40, RECORDS_PER_REQUEST);
    const meanBytes = Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length);
    const empty = (): Pass => ({
      records: 0,
      elapsedMs: 0,
      receiverCpuMs: 0,
      collectorCpuMs: 0,
      clientCpuMs: 0,
      inserts: 0,
      duplicatesSkipped: 0,
      statuses: {},
    });
    const totals = Object.fromEntries(PATHS.map((path) => [path, empty()])) as Record<Path, Pass>;
    let sequence = 0;
    // A warm-up not counted: the receiver's JIT, the store's first parts, the Collector's first connections.
    for (const path of PATHS) {
      const warmUp = await pass(path, receiver, benchCollector, bodies, sequence, 10);
      sequence += warmUp.requests;
    }
    const loadAtStart = loadavg()[0]!;
    for (let run = 1; run <= RUNS; run += 1) {
      // Direct for BENCH_COLLECTOR_SECONDS, then the same number of records through the Collector on each protocol.
      const collectorPaths: Path[] = run % 2 === 1 ? ['collector-http', 'collector-grpc'] : ['collector-grpc', 'collector-http'];
      let sameLoad: number | undefined;
      for (const path of ['direct', ...collectorPaths] as const) {
        const one = await pass(path, receiver, benchCollector, bodies, sequence, sameLoad);
        sequence += one.requests;
        sameLoad ??= one.records / RECORDS_PER_REQUEST;
        add(totals[path], one);
        console.log(
          `run ${run}/${RUNS} ${path}: ${thousands(perSecond(one.records, one.elapsedMs))} records/s stored (${thousands(one.records)} records, ` +
            `Collector ${micros(one.collectorCpuMs, one.records)} µs/record, load average ${loadavg()[0]!.toFixed(1)})`,
        );
      }
    }
    const loads: [number, number] = [loadAtStart, loadavg()[0]!];
    const collectorPeakMiB = peakRssMiB(collector.child.pid!);
    await collector.stop();
    await receiver.stop();
    let disk: DiskUsage | undefined;
    if (POS_ORDERS > 0) {
      console.log(`${thousands(POS_ORDERS)} orders at the real POS, through the Collector, for the bytes per record on disk…`);
      disk = await posRecordsOnDisk(dir);
    }
    const text = report(totals, disk, meanBytes, loads, collectorPeakMiB);
    console.log(`\n${text}`);
    if (WRITE) {
      writeSection(text);
      console.log(`\nwritten to docs/benchmarks.md (section "Collector in the path")`);
    }
  } finally {
    await collector.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
