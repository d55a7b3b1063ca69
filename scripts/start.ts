/**
 * `npm start`: the whole pipeline on the embedded defaults — the receiver on
 * chDB, the demo POS exporting to it, and a traffic generator — with one
 * Ctrl-C to stop everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const env = process.env;
const receiverPort = env.RECEIVER_PORT ?? '4318';
const posPort = env.POS_PORT ?? '3001';
const receiverUrl = `http://127.0.0.1:${receiverPort}`;
const posUrl = `http://127.0.0.1:${posPort}`;

interface Service {
  name: string;
  child: ChildProcess;
}

const services: Service[] = [];
let stopping = false;

function startService(name: string, script: string, extraEnv: Record<string, string>): Service {
  const child = spawn(process.execPath, [script], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest.`);
    void stopAll(1);
  });
  const service = { name, child };
  services.push(service);
  return service;
}

async function waitForHealth(name: string, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Reverse order: traffic first, then the POS flushes its logs to a receiver
  // that is still up, and the receiver stores what it accepted last.
  for (const { name, child } of [...services].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    console.log(`${name} stopped`);
  }
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  console.log('Starting StackLens (embedded ClickHouse, demo POS, traffic)…');
  startService('receiver', 'receiver/src/main.ts', {
    RECEIVER_PORT: receiverPort,
    STACKLENS_DATA_DIR: env.STACKLENS_DATA_DIR ?? 'data',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  await waitForHealth('receiver', `${receiverUrl}/health`);

  startService('pos', 'demo-pos/src/main.ts', {
    POS_PORT: posPort,
    OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? receiverUrl,
  });
  await waitForHealth('pos', `${posUrl}/health`);

  startService('traffic', 'demo-pos/src/traffic/main.ts', { POS_URL: posUrl });

  console.log(`
StackLens is running.
  POS web page        ${posUrl}/
  POS health          ${posUrl}/health
  OTLP/HTTP logs      ${receiverUrl}/v1/logs
  Receiver health     ${receiverUrl}/health   (records stored so far: queue.rowsWritten)
  Incidents API       ${receiverUrl}/api/incidents   (Authorization: Bearer <viewer token, printed above>)
  OpenAPI document    ${receiverUrl}/api/docs/json
  Live feed           ws://127.0.0.1:${receiverPort}/api/live?ticket=…   (ticket from POST /api/live/ticket)
  Stored logs         ${env.STACKLENS_DATA_DIR ?? 'data'}/ (chDB), table stacklens.otel_logs
Break a sale yourself: npm run test-errors -w @stacklens/demo-pos -- --scenario missing-price --store STORE_001 --count 5
Press Ctrl-C to stop.
`);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  void stopAll(1);
});
