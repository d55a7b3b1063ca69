import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteQueue } from '../../src/ingest/WriteQueue.ts';
import { decodeProtobufRequest, toLogRows } from '../../src/ingest/otlp/index.ts';
import { otlpLogsRoutes } from '../../src/ingest/otlpLogsRoute.ts';
import { encodeLogRequest } from '../../src/ingest/encodeLogRequest.ts';
import { encodeLogRows } from '../../src/ingest/encodeLogRows.ts';
import type { LogRow } from '../../src/store/LogRow.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { protobufBody, sdkRecords } from '../support/otlpRequests.ts';

/*
 * The write path without row objects: bytes from encodeLogRequest through the queue into
 * chDB, read back as the rows toLogRows renders.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-encoded-'));
let store: LogStore;
let app: FastifyInstance;
let queue: WriteQueue;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'encoded', retentionDays: 30 });
  queue = new WriteQueue((payload, token) => store.insertLogs(payload, token), {
    maxQueuedRows: 10_000,
    maxBatchRows: 5_000,
    maxConcurrentWrites: 1,
  });
  // The route with no onStored listener takes the path that builds no row objects.
  app = Fastify();
  await app.register(otlpLogsRoutes, { queue, maxBodyBytes: 8 * 1024 * 1024, retryAfterSeconds: 1 });
});

afterAll(async () => {
  await app.close();
  await queue.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function storedRows(bodyPrefix: string): Promise<LogRow[]> {
  return store.transport.query<LogRow>(
    `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS Timestamp, * EXCEPT Timestamp FROM ${store.logsTable}
     WHERE startsWith(Body, {prefix:String}) ORDER BY Body`,
    { prefix: bodyPrefix },
  );
}

/** Rows as the engine returns them: JSON numbers for the UInt8 columns, maps as objects. */
function expectedRows(rows: LogRow[]): LogRow[] {
  return [...rows].sort((a, b) => (a.Body < b.Body ? -1 : 1)).map((row) => ({ ...row }));
}

describe('encoded requests stored through the queue', () => {
  it('the route without a listener stores exactly the rows toLogRows renders', async () => {
    const body = protobufBody(sdkRecords(5, 'route without listener'));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    const rows = toLogRows(decodeProtobufRequest(body)).rows;
    expect(await storedRows('route without listener')).toEqual(expectedRows(rows));
  });

  it('byte payloads of concurrent requests merge into one insert and store every row', async () => {
    const requests = [0, 1, 2].map((i) => protobufBody(sdkRecords(4, `merged bytes ${i}`)));
    const before = queue.stats().batchesWritten;
    await Promise.all(
      requests.map((body, i) => {
        const { payload, rowCount } = encodeLogRequest(decodeProtobufRequest(body));
        return queue.write(payload, rowCount, `merged-${i}`);
      }),
    );
    // The first insert takes one request; the two queued behind it go together.
    expect(queue.stats().batchesWritten - before).toBe(2);
    const rows = requests.flatMap((body) => toLogRows(decodeProtobufRequest(body)).rows);
    expect(await storedRows('merged bytes')).toEqual(expectedRows(rows));
  });

  it('text and byte payloads queued together are stored alike', async () => {
    const text = toLogRows(decodeProtobufRequest(protobufBody(sdkRecords(2, 'mixed text')))).rows;
    const bytes = decodeProtobufRequest(protobufBody(sdkRecords(2, 'mixed bytes')));
    const view = encodeLogRequest(bytes).payload;
    // A plain Uint8Array view (not a Buffer) over the same memory.
    const plain = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    await Promise.all([
      queue.write(encodeLogRows(text), 2, 'mixed-1'),
      queue.write(plain, 2, 'mixed-2'),
      queue.write(encodeLogRows(text.map((row) => ({ ...row, Body: `${row.Body} again` }))), 2, 'mixed-3'),
    ]);
    expect(await storedRows('mixed')).toHaveLength(6);
    expect(await storedRows('mixed bytes')).toEqual(expectedRows(toLogRows(bytes).rows));
  });
});
