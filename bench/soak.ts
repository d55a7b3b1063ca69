/**
 * `npm run bench:soak`: the receiver under a steady load for 10 minutes (SOAK_MINUTES), to show
 * that its memory and event loop stay flat. The receiver runs in this process (embedded chDB in
 * a temporary folder, detection on); the load comes from another process (bench/soakLoad.ts) at
 * SOAK_RECORDS_PER_SECOND (default 2,000: 20 requests of 100 real POS records a second, one in
 * five an error). Every 30 s: RSS, V8 heap, event-loop delay (p50/p99/max over the window),
 * rows stored. The limits are measured in the same run: the event-loop delay of the idle
 * receiver before the load, and the first full minute under load for memory.
 * Not part of CI: it takes the whole duration.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createReceiver, loadConfig, openStore } from '@stacklens/receiver';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RECORDS_PER_SECOND = Number(process.env.SOAK_RECORDS_PER_SECOND ?? 2_000);
const RECORDS_PER_REQUEST = 100;
const WINDOW_MS = Number(process.env.SOAK_WINDOW_MS ?? 30_000);
const IDLE_MS = 10_000;
const MIB = 1024 * 1024;

interface Window {
  atMinute: number;
  rssMiB: number;
  heapMiB: number;
  delayP50: number;
  delayP99: number;
  delayMax: number;
  rowsWritten: number;
}

type DelayHistogram = ReturnType<typeof monitorEventLoopDelay>;

/** The histogram records each timer interval, so the delay is what exceeds its resolution. */
const RESOLUTION_MS = 10;

function delays(histogram: DelayHistogram): { p50: number; p99: number; max: number } {
  const ms = (nanos: number) => Math.max(0, nanos / 1e6 - RESOLUTION_MS);
  const result = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  histogram.reset();
  return result;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const numerator = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const denominator = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return denominator === 0 ? 0 : numerator / denominator;
}

function runLoad(url: string, durationMs: number): Promise<{ requests: number; records: number; statuses: Record<string, number> }> {
  const script = fileURLToPath(new URL('./soakLoad.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [script, url, String(RECORDS_PER_SECOND / RECORDS_PER_REQUEST), String(RECORDS_PER_REQUEST), String(durationMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load process exited with ${code}`)))),
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-soak-'));
  const store = await openStore({ kind: 'chdb', dataDir, database: 'soak', retentionDays: 30 });
  const receiver = await createReceiver(loadConfig({ STACKLENS_DATA_DIR: dataDir }), { store });
  const url = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = delays(histogram);
    const durationMs = MINUTES * 60_000;
    console.log(`Soak: ${RECORDS_PER_SECOND} records/s for ${MINUTES} min; idle event-loop delay p99 ${idle.p99.toFixed(1)} ms`);
    const started = performance.now();
    const load = runLoad(url, durationMs);
    const windows: Window[] = [];
    const sampler = setInterval(() => {
      const memory = process.memoryUsage();
      const delay = delays(histogram);
      const window: Window = {
        atMinute: (performance.now() - started) / 60_000,
        rssMiB: memory.rss / MIB,
        heapMiB: memory.heapUsed / MIB,
        delayP50: delay.p50,
        delayP99: delay.p99,
        delayMax: delay.max,
        rowsWritten: receiver.queue.stats().rowsWritten,
      };
      windows.push(window);
      console.log(
        `  ${window.atMinute.toFixed(1).padStart(5)} min  RSS ${window.rssMiB.toFixed(0)} MiB  heap ${window.heapMiB.toFixed(0)} MiB  ` +
          `loop delay p50 ${window.delayP50.toFixed(1)} / p99 ${window.delayP99.toFixed(1)} / max ${window.delayMax.toFixed(0)} ms  rows ${window.rowsWritten}`,
      );
    }, WINDOW_MS);
    const sent = await load;
    clearInterval(sampler);
    report(idle.p99, windows, sent, receiver.queue.stats().rowsWritten);
  } finally {
    histogram.disable();
    await receiver.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(
  idleP99: number,
  windows: Window[],
  sent: { records: number; statuses: Record<string, number> },
  rowsWritten: number,
): void {
  // The first minute warms the engine's caches and V8's heap: the steady state is what follows.
  const steady = windows.filter((window) => window.atMinute > 1);
  const first = steady[0];
  const last = steady.at(-1);
  if (!first || !last) throw new Error('the soak was too short for a steady state (set SOAK_MINUTES ≥ 2)');
  const rssSlope = slope(steady.map((window) => [window.atMinute, window.rssMiB]));
  const heapSlope = slope(steady.map((window) => [window.atMinute, window.heapMiB]));
  const p99s = steady.map((window) => window.delayP99).sort((a, b) => a - b);
  const medianP99 = p99s[Math.floor(p99s.length / 2)]!;
  const worstP99 = p99s.at(-1)!;
  const stored = rowsWritten >= sent.records;
  console.log(`
soak (${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores)
  load                      ${RECORDS_PER_SECOND} records/s for ${MINUTES} min: ${sent.records} records, answers ${JSON.stringify(sent.statuses)}
  stored                    ${rowsWritten} rows   ${stored ? 'all acknowledged' : 'MISSING ROWS'}
  RSS                       ${first.rssMiB.toFixed(0)} MiB at ${first.atMinute.toFixed(1)} min → ${last.rssMiB.toFixed(0)} MiB at ${last.atMinute.toFixed(1)} min = ${((last.rssMiB / first.rssMiB) * 100).toFixed(0)} % of the first steady minute; trend ${rssSlope.toFixed(2)} MiB/min
  V8 heap used              ${first.heapMiB.toFixed(0)} → ${last.heapMiB.toFixed(0)} MiB; trend ${heapSlope.toFixed(2)} MiB/min
  event-loop delay p99      (beyond the ${RESOLUTION_MS} ms sampling interval) median window ${medianP99.toFixed(1)} ms, worst window ${worstP99.toFixed(1)} ms vs ${idleP99.toFixed(1)} ms for the idle receiver; first ${first.delayP99.toFixed(1)} → last ${last.delayP99.toFixed(1)} ms`);
  if (!stored || Object.keys(sent.statuses).some((status) => status !== '200')) process.exitCode = 1;
}

await main();
