/**
 * `npm start`: the whole pipeline on the embedded defaults — the receiver on
 * chDB, the demo POS, and a traffic generator — with one Ctrl-C to stop
 * everything cleanly. When our Collector has been built
 * (collector/dist/otelcol-stacklens), the POS exports to it and it forwards to
 * the receiver, as in production; `npm start -- --direct` (or no binary)
 * sends the POS straight to the receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BINARY_PATH, startCollector } from '@stacklens/collector';
import { adminToken, integrationLines } from './lib/integrationBanner.ts';
import { readableLogLine } from './lib/logLine.ts';
import { busyPortsMessage } from './lib/portCheck.ts';

const env = process.env;
const receiverPort = env.RECEIVER_PORT ?? '4318';
const posPort = env.POS_PORT ?? '3001';
const dataDir = env.STACKLENS_DATA_DIR ?? 'data';
const receiverUrl = `http://127.0.0.1:${receiverPort}`;
const posUrl = `http://127.0.0.1:${posPort}`;
// The Collector's own OTLP ports, beside the receiver's 4318.
const collectorHttpPort = env.COLLECTOR_OTLP_HTTP_PORT ?? '4319';
const collectorGrpcPort = env.COLLECTOR_OTLP_GRPC_PORT ?? '4317';
const collectorHealthPort = env.COLLECTOR_HEALTH_PORT ?? '13133';
const collectorUrl = `http://127.0.0.1:${collectorHttpPort}`;
const direct = process.argv.includes('--direct');
const withCollector = !direct && existsSync(BINARY_PATH);

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
    // A terminal's Ctrl-C reaches only this script, which stops the services in
    // order: the POS flushes to a Collector that is still up, the Collector to a
    // receiver that is still up.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => console.log(`[${name}] ${readableLogLine(line)}`));
  }
  return watch(name, child);
}

function watch(name: string, child: ChildProcess): Service {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest.`);
    void stopAll(1);
  });
  const service = { name, child };
  services.push(service);
  return service;
}

/** Our Collector between the POS and the receiver, its queue under the data folder. */
async function startCollectorService(): Promise<void> {
  const collector = await startCollector({
    env: {
      COLLECTOR_OTLP_HTTP_PORT: collectorHttpPort,
      COLLECTOR_OTLP_GRPC_PORT: collectorGrpcPort,
      COLLECTOR_STORAGE_DIR: env.COLLECTOR_STORAGE_DIR ?? `${dataDir}/collector`,
      COLLECTOR_LOG_LEVEL: env.COLLECTOR_LOG_LEVEL ?? 'warn',
      STACKLENS_RECEIVER_URL: receiverUrl,
      POS_LOG_FILE: env.POS_LOG_FILE ?? `${dataDir}/pos.log`,
    },
    onLine: (line) => console.log(`[collector] ${line}`),
    detached: true,
  });
  watch('collector', collector.child);
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

  // Another StackLens on these ports would answer our health checks and make this one look started.
  const busy = await busyPortsMessage(
    [
      { name: 'receiver, RECEIVER_PORT', port: Number(receiverPort) },
      { name: 'demo POS, POS_PORT', port: Number(posPort) },
      ...(withCollector
        ? [
            { name: 'Collector OTLP/HTTP, COLLECTOR_OTLP_HTTP_PORT', port: Number(collectorHttpPort) },
            { name: 'Collector OTLP/gRPC, COLLECTOR_OTLP_GRPC_PORT', port: Number(collectorGrpcPort) },
            { name: 'Collector health, COLLECTOR_HEALTH_PORT', port: Number(collectorHealthPort) },
          ]
        : []),
    ],
    receiverUrl,
  );
  if (busy) {
    console.error(busy);
    process.exit(1);
  }

  console.log(
    withCollector
      ? 'Starting StackLens (embedded ClickHouse, receiver, our OpenTelemetry Collector, demo POS, traffic)…'
      : 'Starting StackLens (embedded ClickHouse, receiver, demo POS exporting straight to it, traffic)…',
  );
  if (!withCollector && !direct) {
    console.log(
      `  No Collector binary at ${BINARY_PATH}: \`npm run collector:build\` builds it (Go 1.26+), and npm start then puts it in the path.`,
    );
  }
  startService('receiver', 'receiver/src/main.ts', {
    RECEIVER_PORT: receiverPort,
    STACKLENS_DATA_DIR: dataDir,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    // This local stack may use a Jira or a model on this machine (npm run jira:double, Ollama); a deployed receiver
    // keeps the default (false), which refuses loopback and private targets.
    STACKLENS_ALLOW_PRIVATE_TARGETS: env.STACKLENS_ALLOW_PRIVATE_TARGETS ?? 'true',
  });
  await waitForHealth('receiver', `${receiverUrl}/health`);
  if (withCollector) await startCollectorService();

  startService('pos', 'demo-pos/src/main.ts', {
    POS_PORT: posPort,
    OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? (withCollector ? collectorUrl : receiverUrl),
  });
  await waitForHealth('pos', `${posUrl}/health`);

  startService('traffic', 'demo-pos/src/traffic/main.ts', { POS_URL: posUrl });
  // Jira and AI as the receiver sees them: saved settings (shared by every receiver) or the variables.
  const integrations = await integrationLines(receiverUrl, adminToken(env, dataDir));

  console.log(`
StackLens is running: POS → ${withCollector ? `Collector (${BINARY_PATH}) → ` : ''}receiver.
  POS web page        ${posUrl}/
  POS health          ${posUrl}/health${
    withCollector
      ? `
  Collector OTLP      ${collectorUrl}/v1/logs (HTTP), 127.0.0.1:${collectorGrpcPort} (gRPC) — the POS exports here
  Collector health    http://127.0.0.1:${collectorHealthPort}/   (queue: ${env.COLLECTOR_STORAGE_DIR ?? `${dataDir}/collector`})`
      : ''
  }
  OTLP/HTTP logs      ${receiverUrl}/v1/logs   (the receiver itself)
  Receiver health     ${receiverUrl}/health   (records stored so far: queue.rowsWritten)
  Incidents API       ${receiverUrl}/api/incidents   (Authorization: Bearer <viewer token, printed above>)
  OpenAPI document    ${receiverUrl}/api/docs/json
  Live feed           ws://127.0.0.1:${receiverPort}/api/live?ticket=…   (ticket from POST /api/live/ticket)
  Stored logs         ${dataDir}/ (chDB), table stacklens.otel_logs
  AI analysis         ${integrations.ai}
  Jira                ${integrations.jira}
The Grafana plugin's pages without Grafana (another terminal):
  npm run harness -w @stacklens/grafana-plugin   (it reads the tokens from ${dataDir}/api-tokens.json)
    → http://127.0.0.1:5173/ (/login?user=viewer|editor|admin switches the Grafana role)
Break a sale yourself: npm run test-errors -- --scenario missing-price --store STORE_001 --count 5
Watch a ticket filed without a Jira site: npm run jira:double (another terminal), then paste the settings it prints.
Press Ctrl-C to stop.
`);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  void stopAll(1);
});
