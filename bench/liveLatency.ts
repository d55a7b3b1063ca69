/**
 * `npm run bench:latency`: time from the POS-style app logging an error
 * (through @stacklens/telemetry, exporter batch delay 10 ms; BENCH_EXPORT_DELAY_MS=1000
 * measures the SDK's default, which the demo POS under `npm start` uses) to the live event
 * reaching a WebSocket client of the receiver. Each probe is a new error (its
 * message differs in letters, which masking keeps), so each one is a new
 * incident and its `incident.created` event is the one timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReceiver, loadConfig, openStore } from '@stacklens/receiver';
import { setupTelemetry } from '@stacklens/telemetry';
import { percentile, rulesWithoutStormGuard, word } from './probes.ts';

const PROBES = Number(process.env.BENCH_PROBES ?? 300);
const SPACING_MS = 20;
// The exporter's batch delay is part of every figure: 10 ms for the pipeline's own latency,
// 1000 ms (OTEL_BLRP_SCHEDULE_DELAY's default, the POS under npm start) for what a person sees.
const EXPORT_DELAY_MS = Number(process.env.BENCH_EXPORT_DELAY_MS ?? 10);
const TARGET_P99_MS = 250;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-latency-'));
  const store = await openStore({ kind: 'chdb', dataDir, database: 'latency', retentionDays: 30 });
  const receiver = await createReceiver(
    loadConfig({ STACKLENS_DATA_DIR: dataDir, RECEIVER_PORT: '0', STACKLENS_RULES_FILE: rulesWithoutStormGuard(dataDir) }),
    { store },
  );
  const url = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const telemetry = setupTelemetry({
    serviceName: 'latency-probe',
    endpoint: url,
    protocol: 'http/protobuf',
    batch: { scheduledDelayMillis: EXPORT_DELAY_MS },
    shutdownOnSignals: false,
  });
  try {
    const ticketResponse = await fetch(`${url}/api/live/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.tokens.viewer}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { ticket } = (await ticketResponse.json()) as { ticket: string };
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/live?ticket=${ticket}`);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const allSeen = new Promise<void>((resolve) => {
      socket.addEventListener('message', (message) => {
        const event = JSON.parse(String(message.data)) as { type: string; incident?: { title: string } };
        if (event.type !== 'incident.created' || !event.incident) return;
        const started = sentAt.get(event.incident.title);
        if (started === undefined) return;
        latencies.push(performance.now() - started);
        if (latencies.length === PROBES) resolve();
      });
    });

    // The same round trip without the pipeline: a plain HTTP request to the receiver.
    const httpStarted = performance.now();
    for (let i = 0; i < 50; i += 1) await (await fetch(`${url}/health`)).arrayBuffer();
    const httpRoundTripMs = (performance.now() - httpStarted) / 50;

    console.log(`Logging ${PROBES} distinct errors, ${SPACING_MS} ms apart…`);
    for (let i = 0; i < PROBES; i += 1) {
      const message = `${word(i)}: latency probe failed`;
      sentAt.set(message, performance.now());
      telemetry.logger.error(message, { 'error.code': 'LATENCY_PROBE' });
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    }
    await Promise.race([allSeen, new Promise((resolve) => setTimeout(resolve, 10_000 + 2 * EXPORT_DELAY_MS))]);
    socket.close();

    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(`
log-to-live-event latency (${new Date().toISOString()}, node ${process.version})
  probes seen               ${latencies.length} / ${PROBES}
  p50                       ${p50.toFixed(1)} ms
  p99                       ${p99.toFixed(1)} ms   = ${((p99 / TARGET_P99_MS) * 100).toFixed(0)} % of the ${TARGET_P99_MS} ms target   ${p99 <= TARGET_P99_MS ? 'PASS' : 'MISS'}
  max                       ${sorted.at(-1)?.toFixed(1)} ms
  exporter batch delay      ${EXPORT_DELAY_MS} ms (part of every figure)
  plain HTTP round trip     ${httpRoundTripMs.toFixed(2)} ms (GET /health, same run: the floor without the pipeline)`);
    if (latencies.length < PROBES) process.exitCode = 1;
  } finally {
    await telemetry.shutdown();
    await receiver.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
