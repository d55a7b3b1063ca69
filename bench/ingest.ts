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
const RECORDS_PER_REQUEST = 1_000;
const DISTINCT_BODIES = 40;
const STRAIGHT_BATCH_REQUESTS = 10; // 10,000-row inserts, the engine's sweet spot
const TARGET_RATE = 50_000;
const TARGET_RATIO = 0.7;

async function straightInsertRate(store: LogStore, bodies: Uint8Array[]): Promise<number> {
  const payloads: string[] = [];
  for (let i = 0; i < bodies.length; i += STRAIGHT_BATCH_REQUESTS) {
    const rows = bodies.slice(i, i + STRAIGHT_BATCH_REQUESTS).flatMap((body) => toLogRows(decodeProtobufRequest(body)).rows);
    payloads.push(encodeLogRows(rows));
  }
  const rowsPerPayload = RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let rows = 0;
  for (let i = 0; performance.now() < deadline; i += 1) {
    await store.insertLogs(payloads[i % payloads.length]!, `straight-${i}`);
    rows += rowsPerPayload;
  }
  return rows / ((performance.now() - started) / 1000);
}

async function receiverRate(store: LogStore, bodies: Uint8Array[]): Promise<ClientResult & { stored: number }> {
  const receiver = await createReceiver(loadConfig({ RECEIVER_PORT: '0' }), { store });
  const address = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const before = await store.countLogs();
  const job: ClientJob = {
    url: `${address}/v1/logs`,
    bodies,
    recordsPerRequest: RECORDS_PER_REQUEST,
    concurrency: 8,
    durationMs: seconds * 1000,
  };
  const worker = new Worker(new URL('./ingestClient.ts', import.meta.url), { workerData: job });
  const result = await new Promise<ClientResult>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  await receiver.close();
  return { ...result, stored: (await store.countLogs()) - before };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-bench-'));
  const store = await openLogStore({ kind: 'chdb', dataDir, database: 'bench', retentionDays: 30 });
  try {
    console.log(`Preparing ${DISTINCT_BODIES} OTLP protobuf bodies of ${RECORDS_PER_REQUEST} records (OTel JS SDK serializer)…`);
    const bodies = posLogRequests(DISTINCT_BODIES, RECORDS_PER_REQUEST);
    const meanBytes = Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length);

    console.log(`Straight insert: the same rows, ${RECORDS_PER_REQUEST * STRAIGHT_BATCH_REQUESTS}-row JSONCompactEachRow inserts, ${seconds} s…`);
    const limit = await straightInsertRate(store, bodies);
    await store.transport.command(`TRUNCATE TABLE ${store.logsTable}`);

    console.log(`Receiver: POST /v1/logs, 8 requests in flight, ${seconds} s…`);
    const run = await receiverRate(store, bodies);
    const rate = run.acknowledgedRecords / (run.elapsedMs / 1000);
    const ratio = rate / limit;

    console.log(`
ingest benchmark (${new Date().toISOString()}, node ${process.version}, ${seconds} s per phase)
  request body              ${RECORDS_PER_REQUEST} records, ${meanBytes} bytes protobuf (uncompressed)
  straight insert (limit)   ${Math.round(limit).toLocaleString('en')} rows/s
  receiver, stored + acked  ${Math.round(rate).toLocaleString('en')} records/s   (${run.requests} requests, statuses ${JSON.stringify(run.statuses)})
  ratio to the limit        ${(ratio * 100).toFixed(1)} %   (target ≥ ${TARGET_RATIO * 100} %)   ${ratio >= TARGET_RATIO ? 'PASS' : 'MISS'}
  absolute rate             ${rate >= TARGET_RATE ? 'PASS' : 'MISS'} (target ≥ ${TARGET_RATE.toLocaleString('en')} records/s)
  acknowledged = stored     ${run.acknowledgedRecords === run.stored ? 'yes' : `NO: acknowledged ${run.acknowledgedRecords}, stored ${run.stored}`}`);
    if (run.acknowledgedRecords !== run.stored) process.exitCode = 1;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
