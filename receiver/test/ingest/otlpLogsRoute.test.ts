import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { jsonBody, protobufBody, sdkRecords } from '../support/otlpRequests.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-routes-'));
const MAX_BODY = 8 * 1024 * 1024;
let store: LogStore;
let receiver: Receiver;
let acknowledged = 0;

// The google.rpc.Status and response messages, defined here independently of
// the receiver's own definitions so a wrong field number would show.
const wire = protobuf.parse(`
syntax = "proto3";
message Status { int32 code = 1; string message = 2; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
`).root;
const Status = wire.lookupType('Status');
const ExportResponse = wire.lookupType('ExportLogsServiceResponse');

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'routes', retentionDays: 30 });
  receiver = await createReceiver(loadConfig({ RECEIVER_MAX_BODY_BYTES: String(MAX_BODY) }), { store });
});

afterAll(async () => {
  await receiver.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(body: Buffer | string, headers: Record<string, string>) {
  return receiver.app.inject({ method: 'POST', url: '/v1/logs', headers, payload: body });
}

describe('POST /v1/logs with what real clients send', () => {
  it('stores protobuf from the OTel JS serializer and answers an empty ExportLogsServiceResponse', async () => {
    const response = await post(protobufBody(sdkRecords(3)), { 'content-type': 'application/x-protobuf' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    const decoded = ExportResponse.toObject(ExportResponse.decode(response.rawPayload));
    expect(decoded).toEqual({});
    acknowledged += 3;
    const rows = await store.transport.query<{ Body: string; LogAttributes: Record<string, string> }>(
      `SELECT Body, LogAttributes FROM ${store.logsTable} ORDER BY Body`,
    );
    expect(rows.map((row) => row.Body)).toEqual([
      'Product 999 has no price #0',
      'Product 999 has no price #1',
      'Product 999 has no price #2',
    ]);
    expect(rows[0]!.LogAttributes).toMatchObject({ 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_001' });
  });

  it('stores gzip protobuf and JSON (plain and gzip, with a charset parameter)', async () => {
    const cases: Array<[Buffer, Record<string, string>]> = [
      [gzipSync(protobufBody(sdkRecords(2, 'gz-proto'))), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }],
      [jsonBody(sdkRecords(2, 'json')), { 'content-type': 'application/json; charset=utf-8' }],
      [gzipSync(jsonBody(sdkRecords(2, 'gz-json'))), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ];
    for (const [body, headers] of cases) {
      const response = await post(body, headers);
      expect(response.statusCode, response.body).toBe(200);
      acknowledged += 2;
    }
    const json = await post(jsonBody(sdkRecords(1, 'json-answer')), { 'content-type': 'application/json' });
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.json()).toEqual({});
    acknowledged += 1;
  });

  it('an empty request is a success that stores nothing', async () => {
    const response = await post(Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect(response.statusCode).toBe(200);
  });
});

describe('POST /v1/logs refusals carry a google.rpc.Status in the request encoding', () => {
  it('400 for truncated protobuf', async () => {
    const body = protobufBody(sdkRecords(2));
    const response = await post(body.subarray(0, body.length - 7), { 'content-type': 'application/x-protobuf' });
    expect(response.statusCode).toBe(400);
    const status = Status.toObject(Status.decode(response.rawPayload)) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).not.toBe('');
  });

  it('400 for invalid JSON, wrong types, invalid UTF-8 and bad gzip', async () => {
    const json = { 'content-type': 'application/json' };
    for (const [body, headers] of [
      ['{"resourceLogs": [', json],
      ['{"resourceLogs": "everything"}', json],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), json],
      [Buffer.from('not gzip at all'), { ...json, 'content-encoding': 'gzip' }],
    ] as const) {
      const response = await post(body, headers);
      expect(response.statusCode, String(body)).toBe(400);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json()).toMatchObject({ code: 3, message: expect.any(String) });
    }
  });

  it('415 for other content types and content encodings', async () => {
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json().message).toMatch(/application\/x-protobuf/);
    const brotli = await post(protobufBody(sdkRecords(1)), { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
    expect(brotli.statusCode).toBe(415);
  });

  it('413 for a 20 MB body and for a gzip body that inflates past the limit', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024, 0x41);
    const large = await post(huge, { 'content-type': 'application/x-protobuf' });
    expect(large.statusCode).toBe(413);
    const bomb = await post(gzipSync(huge), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bomb.statusCode).toBe(413);
    expect(bomb.json().message).toMatch(/decompressed body exceeds/);
  });

  it('keeps serving, and every acknowledged record is in the store', async () => {
    const response = await post(protobufBody(sdkRecords(4, 'after the storm')), { 'content-type': 'application/x-protobuf' });
    expect(response.statusCode).toBe(200);
    acknowledged += 4;
    expect(await store.countLogs()).toBe(acknowledged);
  });

  it('a retried request (same bytes) is stored once', async () => {
    const body = protobufBody(sdkRecords(2, 'retried'));
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await post(body, { 'content-type': 'application/x-protobuf' })).statusCode).toBe(200);
    }
    acknowledged += 2;
    expect(await store.countLogs()).toBe(acknowledged);
  });
});

describe('GET /health', () => {
  it('reports the store and the write queue', async () => {
    const response = await receiver.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      store: { transport: expect.stringContaining('chDB') },
      queue: { queuedRows: 0, writesInFlight: 0, failedBatches: 0 },
    });
  });
});
