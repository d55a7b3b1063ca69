import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The services' entry points, found through their packages' exports.
const RECEIVER_MAIN = createRequire(import.meta.url).resolve('@stacklens/receiver/main');
const POS_MAIN = createRequire(import.meta.url).resolve('@stacklens/demo-pos/main');
const QUERY_STORE = fileURLToPath(new URL('./queryStore.ts', import.meta.url));

export interface ReceiverProcess {
  child: ChildProcess;
  url: string;
  /** Every line the receiver logged (pino JSON at LOG_LEVEL). */
  lines: string[];
  /** Records stored so far (the health route's queue.rowsWritten). */
  rowsWritten(): Promise<number>;
  /** SIGTERM: stores what it accepted, then exits. */
  stop(): Promise<void>;
}

/** The real receiver (receiver/src/main.ts) on the embedded store in `dataDir`. */
export async function startReceiver(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, [RECEIVER_MAIN], {
    env: {
      ...process.env,
      RECEIVER_PORT: String(port),
      STACKLENS_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = collectLines(child);
  const url = `http://127.0.0.1:${port}`;
  const exited = exitOf(child);
  const health = async () => {
    const response = await fetch(`${url}/health`);
    return (await response.json()) as { status: string; queue: { rowsWritten: number } };
  };
  await untilReady(child, lines, 'the receiver', async () => (await health()).status === 'ok');
  return {
    child,
    url,
    lines,
    rowsWritten: async () => (await health()).queue.rowsWritten,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface PosProcess {
  child: ChildProcess;
  url: string;
  /** SIGTERM: the POS stops taking orders, then flushes its telemetry. */
  stop(): Promise<void>;
}

/** The real demo POS exporting with its real OTel exporter to `otlpUrl`. */
export async function startPos(otlpUrl: string, env: Record<string, string> = {}): Promise<PosProcess> {
  const child = spawn(process.execPath, [POS_MAIN], {
    env: { ...process.env, POS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_BLRP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = collectLines(child);
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the POS exited early (${code}):\n${lines.join('\n')}`)));
    child.stdout!.on('data', () => {
      const match = lines.map((line) => /listening on (http:\/\/\S+)/.exec(line)).find(Boolean);
      if (match) resolve(match[1]!);
    });
  });
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Order {
  orderId: string;
  status: number;
}

/** Places an order at the POS: product 999 has no price (MISSING_PRICE, logged as an ERROR), 101 sells (INFO). */
export async function placeOrder(posUrl: string, productId: '101' | '999', storeId = 'STORE_001'): Promise<Order> {
  const response = await fetch(`${posUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ storeId, kioskId: 'KIOSK_001', items: [{ productId, quantity: 1 }] }),
  });
  const { orderId } = (await response.json()) as { orderId: string };
  return { orderId, status: response.status };
}

/** `count` orders, `parallel` at a time, every fifth one failing. */
export async function placeOrders(posUrl: string, count: number, parallel = 8): Promise<Order[]> {
  const orders: Order[] = [];
  for (let start = 0; start < count; start += parallel) {
    const wave = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => ((start + i) % 5 === 4 ? '999' : '101'));
    orders.push(...(await Promise.all(wave.map((productId) => placeOrder(posUrl, productId as '101' | '999')))));
  }
  return orders;
}

/**
 * Runs `sql` (with `{table}` for the logs table) on the embedded store in
 * `dataDir`, in a process of its own: chDB opens one data folder per process,
 * and the receiver that wrote it must have exited first.
 */
export async function queryStore<Row>(dataDir: string, sql: string): Promise<Row[]> {
  const child = spawn(process.execPath, [QUERY_STORE, dataDir, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`query failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as Row[];
}

function collectLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  return lines;
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function untilReady(child: ChildProcess, lines: string[], name: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${lines.join('\n')}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not become ready within 90 s:\n${lines.join('\n')}`);
}
