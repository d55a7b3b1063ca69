import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecords, postLogs, protobufRequest, range } from './support/loadRecords.ts';
import { sendAtRate } from './support/openLoop.ts';
import { startReceiverProcess, type ReceiverProcess } from './support/receiverProcess.ts';
import { storedSeqCounts } from './support/storedSeqs.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-overload-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The queue bound under test: 2,000 rows, a hundredth of the default, so the load overruns it. */
const MAX_QUEUED_ROWS = 2_000;
const ROWS_PER_REQUEST = 100;
/**
 * One request per insert, one insert at a time: every insert pays the engine's fixed cost, so
 * the store takes a few thousand rows a second here, and the open loop below offers more.
 */
const STORE_LIMITS = { RECEIVER_MAX_BATCH_ROWS: String(ROWS_PER_REQUEST), RECEIVER_MAX_CONCURRENT_INSERTS: '1' };
/** Open loop: requests a second whatever the answers, as a fleet of independent apps sends. */
const OFFERED_REQUESTS_PER_SECOND = 300;
const OFFERED_REQUESTS = 1_500;
const EXPORTED_BATCHES = 40;
/**
 * Stated bound on the receiver's resident memory under overload. Idle, with the engine loaded, it
 * is ~340 MiB here; the engine's own caches grow with the parts it writes (~+250 MiB in this
 * test), and the queue adds at most MAX_QUEUED_ROWS encoded rows.
 */
const RSS_BOUND_MIB = 1_024;

/** @opentelemetry/core's ExportResultCode.SUCCESS (core is not a dependency of the receiver). */
const EXPORT_SUCCESS = 0;

/**
 * The real OTLP proto exporter (its retry rules: 429/502/503/504 retried, Retry-After honoured,
 * up to 5 retries within timeoutMillis) behind a sending queue that exports a failed batch again
 * until it succeeds, as the Collector's exporter queue does.
 */
async function exportUntilStored(url: string, batches: ReadableLogRecord[][]): Promise<{ retries: number }> {
  // The exporter's own retries are visible only in its diagnostics.
  let retries = 0;
  const count = (message: string): void => {
    if (message.startsWith('Scheduling export retry')) retries += 1;
  };
  diag.setLogger({ verbose: count, debug: count, info: count, warn: count, error: count }, DiagLogLevel.VERBOSE);
  const exporter = new OTLPLogExporter({ url: `${url}/v1/logs`, timeoutMillis: 60_000, concurrencyLimit: batches.length });
  const once = (records: ReadableLogRecord[]) =>
    new Promise<boolean>((resolve) => exporter.export(records, (result) => resolve(result.code === EXPORT_SUCCESS)));
  try {
    await Promise.all(
      batches.map(async (records) => {
        for (let attempt = 1; !(await once(records)); attempt += 1) {
          if (attempt >= 20) throw new Error('a batch was not stored after 20 exports');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }),
    );
  } finally {
    await exporter.shutdown();
    diag.disable();
  }
  return { retries };
}

/** Samples the queue (from /health) and the process's RSS until stopped. */
function watch(receiver: ReceiverProcess): { stop: () => Promise<{ maxQueuedRows: number; maxRssMiB: number }> } {
  let maxQueuedRows = 0;
  let maxRssMiB = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      maxRssMiB = Math.max(maxRssMiB, receiver.memory().rssMiB);
      const health = await fetch(`${receiver.url}/health`).then(
        (response) => response.json() as Promise<{ queue: { queuedRows: number } }>,
      );
      maxQueuedRows = Math.max(maxQueuedRows, health.queue.queuedRows);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { maxQueuedRows, maxRssMiB: Math.max(maxRssMiB, receiver.memory().peakMiB) };
    },
  };
}

describe('overload: a real receiver process with a 2,000-row queue, offered more than its store takes', () => {
  it('sheds with 429 + Retry-After within its memory bound, stores every acknowledged record once, and a retrying exporter ends with every record stored once', async () => {
    const receiver = await startReceiverProcess({
      STACKLENS_DATA_DIR: dataDir,
      RECEIVER_MAX_QUEUED_ROWS: String(MAX_QUEUED_ROWS),
      ...STORE_LIMITS,
    });
    try {
      const warmUp = range(0, 4).map((i) => postLogs(receiver.url, protobufRequest(loadRecords(5_000_000 + i * 100, 100))));
      expect((await Promise.all(warmUp)).map((result) => result.status)).toEqual([200, 200, 200, 200]);
      const idleMiB = receiver.memory().rssMiB;

      const bodies = range(0, OFFERED_REQUESTS).map((i) =>
        protobufRequest(loadRecords(i * ROWS_PER_REQUEST, ROWS_PER_REQUEST, { bodyBytes: 300 })),
      );
      const watcher = watch(receiver);
      const offered = await sendAtRate(receiver.url, bodies, OFFERED_REQUESTS_PER_SECOND);
      const exportedFrom = 2_000_000;
      const batches = range(0, EXPORTED_BATCHES).map((i) => loadRecords(exportedFrom + i * 500, 500, { bodyBytes: 200 }));
      const exported = await exportUntilStored(receiver.url, batches);
      const { maxQueuedRows, maxRssMiB } = await watcher.stop();

      const acknowledged = offered.results.flatMap((result, i) => (result.status === 200 ? [i] : []));
      const shed = offered.results.flatMap((result, i) => (result.status === 200 ? [] : [i]));
      console.info(
        `overload: ${acknowledged.length} of ${OFFERED_REQUESTS} requests acknowledged, ${shed.length} shed ` +
          `(offered/accepted ${(OFFERED_REQUESTS / acknowledged.length).toFixed(2)}×, up to ${offered.maxOutstanding} outstanding); ` +
          `queue ≤ ${maxQueuedRows} rows; RSS ${idleMiB.toFixed(0)} MiB idle, ${maxRssMiB.toFixed(0)} MiB peak; ` +
          `exporter: ${EXPORTED_BATCHES} batches, ${exported.retries} retries`,
      );
      // Shedding, not queueing: refusals are 429 with Retry-After, nothing else.
      expect(new Set(shed.map((i) => offered.results[i]!.status))).toEqual(new Set([429]));
      expect(shed.filter((i) => offered.results[i]!.retryAfter !== '1')).toEqual([]);
      expect(maxQueuedRows).toBeLessThanOrEqual(MAX_QUEUED_ROWS);
      expect(maxRssMiB).toBeLessThan(RSS_BOUND_MIB);
      expect(exported.retries).toBeGreaterThan(0); // the exporter was told to come back, and did

      expect(await receiver.stop()).toBe(0);
      const stored = await storedSeqCounts(dataDir);
      const seqsOf = (requests: number[]) => requests.flatMap((i) => range(i * ROWS_PER_REQUEST, (i + 1) * ROWS_PER_REQUEST));
      // Every acknowledged record is stored once; a shed request stored nothing (so its retry cannot duplicate).
      expect(seqsOf(acknowledged).filter((seq) => stored.get(seq) !== 1)).toEqual([]);
      expect(seqsOf(shed).filter((seq) => stored.has(seq))).toEqual([]);
      const exportedSeqs = range(exportedFrom, exportedFrom + EXPORTED_BATCHES * 500);
      expect(exportedSeqs.filter((seq) => stored.get(seq) !== 1)).toEqual([]);
    } finally {
      receiver.child.kill('SIGKILL');
    }
  }, 300_000);
});
