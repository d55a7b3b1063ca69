/**
 * `npm run bench`: OTLP protobuf batches of 1,000 records posted to the
 * receiver for BENCH_SECONDS (default 20), records stored per second, set
 * against the rate at which the same rows insert straight into the same store
 * in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../receiver/src/config.ts';
import { decodeProtobufRequest, toLogRows } from '../receiver/src/otlp/index.ts';
import { createReceiver } from '../receiver/src/receiver.ts';
import { encodeLogRows } from '../receiver/src/store/encodeLogRows.ts';
import { openLogStore, type LogStore } from '../receiver/src/store/LogStore.ts';
import type { ClientJob, ClientResult } from './ingestClient.ts';
import { posLogRequests } from './posLogRequests.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const RECORDS_PER_REQUEST = 1_000;
const DISTINCT_BODIES = 40;
const STRAIGHT_BATCH_REQUESTS = 10; // 10,000-row inserts, the engine's sweet spot
const ROUNDS = 4;
const TARGET_RATE = 50_000;
const TARGET_RATIO = 0.7;

interface PhaseResult {
  records: number;
  elapsedMs: number;
}

function straightPayloads(bodies: Uint8Array[]): string[] {
  const payloads: string[] = [];
  for (let i = 0; i < bodies.length; i += STRAIGHT_BATCH_REQUESTS) {
    const rows = bodies.slice(i, i + STRAIGHT_BATCH_REQUESTS).flatMap((body) => toLogRows(decodeProtobufRequest(body)).rows);
    payloads.push(encodeLogRows(rows));
  }
  return payloads;
}

let straightSequence = 0;

async function straightInsert(store: LogStore, payloads: string[], durationMs: number): Promise<PhaseResult> {
  const rowsPerPayload = RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS;
  const started = performance.now();
  let records = 0;
  while (performance.now() < started + durationMs) {
    straightSequence += 1;
    await store.insertLogs(payloads[straightSequence % payloads.length]!, `straight-${straightSequence}`);
    records += rowsPerPayload;
  }
  return { records, elapsedMs: performance.now() - started };
}

async function receiverRun(
  store: LogStore,
  bodies: Uint8Array[],
  durationMs: number,
  firstSequence: number,
): Promise<ClientResult & { stored: number; eventLoopUtilization: number }> {
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
  const worker = new Worker(new URL('./ingestClient.ts', import.meta.url), { workerData: job });
  const result = await new Promise<ClientResult>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  const eventLoopUtilization = performance.eventLoopUtilization(loopBefore).utilization;
  await worker.terminate();
  await receiver.close();
  return { ...result, stored: (await store.countLogs()) - before, eventLoopUtilization };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-bench-'));
  const store = await openLogStore({ kind: 'chdb', dataDir, database: 'bench', retentionDays: 30 });
  try {
    console.log(`Preparing ${DISTINCT_BODIES} OTLP protobuf bodies of ${RECORDS_PER_REQUEST} records (OTel JS SDK serializer)…`);
    const bodies = posLogRequests(DISTINCT_BODIES, RECORDS_PER_REQUEST);
    const meanBytes = Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length);

    const payloads = straightPayloads(bodies);
    const roundMs = (seconds * 1000) / ROUNDS;
    const straight: PhaseResult = { records: 0, elapsedMs: 0 };
    const receiver = { acknowledged: 0, stored: 0, elapsedMs: 0, requests: 0, eventLoop: 0, statuses: {} as Record<string, number> };
    // The two paths alternate in rounds, so background merges and a noisy
    // neighbour weigh on both alike.
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`round ${round}/${ROUNDS}: straight insert ${roundMs / 1000} s, then the receiver ${roundMs / 1000} s…`);
      const direct = await straightInsert(store, payloads, roundMs);
      straight.records += direct.records;
      straight.elapsedMs += direct.elapsedMs;
      const run = await receiverRun(store, bodies, roundMs, receiver.requests);
      receiver.acknowledged += run.acknowledgedRecords;
      receiver.stored += run.stored;
      receiver.elapsedMs += run.elapsedMs;
      receiver.requests += run.requests;
      receiver.eventLoop += run.eventLoopUtilization / ROUNDS;
      for (const [status, count] of Object.entries(run.statuses)) receiver.statuses[status] = (receiver.statuses[status] ?? 0) + count;
    }
    const limit = straight.records / (straight.elapsedMs / 1000);
    const rate = receiver.acknowledged / (receiver.elapsedMs / 1000);
    const ratio = rate / limit;

    console.log(`
ingest benchmark (${new Date().toISOString()}, node ${process.version}, ${seconds} s per path in ${ROUNDS} rounds)
  request body              ${RECORDS_PER_REQUEST} records, ${meanBytes} bytes protobuf (uncompressed), ${concurrency} requests in flight
  straight insert (limit)   ${Math.round(limit).toLocaleString('en')} rows/s   (${RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS}-row JSONCompactEachRow inserts of the same rows)
  receiver, stored + acked  ${Math.round(rate).toLocaleString('en')} records/s   (${receiver.requests} requests, statuses ${JSON.stringify(receiver.statuses)}, event loop busy ${(receiver.eventLoop * 100).toFixed(0)} %)
  ratio to the limit        ${(ratio * 100).toFixed(1)} %   (target ≥ ${TARGET_RATIO * 100} %)   ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}
  absolute rate             ${rate >= TARGET_RATE ? 'PASS' : 'MISS'} (target ≥ ${TARGET_RATE.toLocaleString('en')} records/s)
  acknowledged = stored     ${receiver.acknowledged === receiver.stored ? 'yes' : `NO: acknowledged ${receiver.acknowledged}, stored ${receiver.stored}`}`);
    if (receiver.acknowledged !== receiver.stored) process.exitCode = 1;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
