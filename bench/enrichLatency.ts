/**
 * `npm run bench:enrich`: the enrich stage inside a receiver on chDB, offline analyser (no
 * OPENAI_API_KEY).
 *
 * 1. Latency: the POS-style app logs distinct errors (through @stacklens/telemetry) cycling
 *    through the five POS error codes and a generic one; for each new incident, the time from
 *    its detection (the tracker publishes `incident.created` at once) to its `ai.completed`,
 *    both seen on the receiver's live-event bus. Includes the similar-incident query, the
 *    analysis and its insert into ClickHouse. Target p99 ≤ 50 ms.
 * 2. Storm: a few fingerprints repeated thousands of times over OTLP; how many incident changes
 *    the stage heard, how many analyses (analyser calls) it made. Target: one per fingerprint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAiIntegration, createReceiver, loadConfig, openStore, type Receiver } from '@stacklens/receiver';
import type { LiveEvent } from '@stacklens/processor';
import { setupTelemetry } from '@stacklens/telemetry';
import { protobufRequest, type PosError } from '@stacklens/test-support/otlp';
import { percentile, rulesWithoutStormGuard, word } from './probes.ts';

const PROBES = Number(process.env.BENCH_PROBES ?? 200);
const SPACING_MS = 20;
const TARGET_P99_MS = 50;
const STORM_FINGERPRINTS = 5;
const STORM_BATCHES = 10;
const STORM_PER_BATCH = 200;

const CODES = ['MISSING_PRICE', 'PRODUCT_NOT_FOUND', 'INVENTORY_SHORTAGE', 'PAYMENT_FAILED', 'INVALID_STORE_CONFIG', 'CHECKOUT_FAILED'];

interface EnrichStatus {
  stats: { changes: number; analyses: number; modelCalls: number; fromStore: number; running: number };
}

async function status(receiver: Receiver): Promise<EnrichStatus> {
  const response = await receiver.app.inject({
    method: 'GET',
    url: '/api/integrations/ai',
    headers: { authorization: `Bearer ${receiver.tokens.admin}` },
  });
  return response.json() as EnrichStatus;
}

async function latency(receiver: Receiver, url: string): Promise<number[]> {
  const detectedAt = new Map<string, number>();
  const latencies: number[] = [];
  let unsubscribe = (): void => {};
  const allSeen = new Promise<void>((resolve) => {
    unsubscribe = receiver.bus.subscribe((event: LiveEvent) => {
      if (event.type === 'incident.created') detectedAt.set(event.incident.id, performance.now());
      if (event.type !== 'ai.completed') return;
      const started = detectedAt.get(event.incident.id);
      if (started === undefined) return;
      latencies.push(performance.now() - started);
      if (latencies.length === PROBES) resolve();
    });
  });
  const telemetry = setupTelemetry({
    serviceName: 'enrich-probe',
    endpoint: url,
    protocol: 'http/protobuf',
    batch: { scheduledDelayMillis: 10 },
    shutdownOnSignals: false,
  });
  try {
    console.log(`Logging ${PROBES} distinct errors, ${SPACING_MS} ms apart…`);
    for (let i = 0; i < PROBES; i += 1) {
      // A distinct leading word, product and kiosk per probe: a distinct incident under every rule's grouping.
      telemetry.logger.error(`${word(i)}: enrich probe failed`, {
        'error.code': CODES[i % CODES.length]!,
        'pos.store.id': `STORE_00${(i % 3) + 1}`,
        'pos.kiosk.id': `KIOSK_${i}`,
        'product.id': String(900 + i),
      });
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    }
    await Promise.race([allSeen, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  } finally {
    unsubscribe();
    await telemetry.shutdown();
  }
  return latencies;
}

async function storm(receiver: Receiver): Promise<{ changes: number; analyses: number; records: number }> {
  const before = (await status(receiver)).stats;
  const errors = (batch: number): PosError[] =>
    Array.from({ length: STORM_FINGERPRINTS * STORM_PER_BATCH }, (_, i) => ({
      errorCode: CODES[i % STORM_FINGERPRINTS]!,
      body: `Storm ${word(i % STORM_FINGERPRINTS)} in batch ${batch} record ${i}`,
      store: 'STORE_001',
      kiosk: 'KIOSK_001',
      service: 'storm',
    }));
  console.log(`Storm: ${STORM_FINGERPRINTS} fingerprints × ${STORM_BATCHES * STORM_PER_BATCH} occurrences in ${STORM_BATCHES} requests…`);
  for (let batch = 0; batch < STORM_BATCHES; batch += 1) {
    const response = await receiver.app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: protobufRequest(errors(batch)),
    });
    if (response.statusCode !== 200) throw new Error(`storm batch ${batch}: HTTP ${response.statusCode}`);
    await receiver.tracker.flush();
  }
  let after = (await status(receiver)).stats;
  while (after.running > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    after = (await status(receiver)).stats;
  }
  return {
    changes: after.changes - before.changes,
    analyses: after.analyses - before.analyses,
    records: STORM_FINGERPRINTS * STORM_BATCHES * STORM_PER_BATCH,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-enrich-latency-'));
  const store = await openStore({ kind: 'chdb', dataDir, database: 'enrichlatency', retentionDays: 30 });
  const receiver = await createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: dataDir,
      RECEIVER_PORT: '0',
      CLICKHOUSE_DATABASE: 'enrichlatency',
      OPENAI_API_KEY: '',
      STACKLENS_RULES_FILE: rulesWithoutStormGuard(dataDir),
    }),
    { store, integrations: [createAiIntegration] },
  );
  const url = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const latencies = await latency(receiver, url);
    const stormResult = await storm(receiver);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const perFingerprint = stormResult.analyses / STORM_FINGERPRINTS;
    console.log(`
detection-to-ai.completed latency, offline analyser (${new Date().toISOString()}, node ${process.version})
  probes seen               ${latencies.length} / ${PROBES}
  p50                       ${p50.toFixed(1)} ms
  p99                       ${p99.toFixed(1)} ms   = ${((p99 / TARGET_P99_MS) * 100).toFixed(0)} % of the ${TARGET_P99_MS} ms target   ${p99 <= TARGET_P99_MS ? 'PASS' : 'MISS'}
  max                       ${sorted.at(-1)?.toFixed(1)} ms
storm: ${stormResult.records} occurrences of ${STORM_FINGERPRINTS} fingerprints
  incident changes heard    ${stormResult.changes}
  analyses (analyser calls) ${stormResult.analyses}   = ${perFingerprint.toFixed(2)} per fingerprint (target 1)   ${perFingerprint <= 1 ? 'PASS' : 'MISS'}
  calls avoided by the cache ${stormResult.changes - stormResult.analyses} (${((1 - stormResult.analyses / Math.max(1, stormResult.changes)) * 100).toFixed(1)} % of the changes)`);
    if (latencies.length < PROBES) process.exitCode = 1;
  } finally {
    await receiver.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
