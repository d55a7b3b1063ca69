import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANY_VALUE_DEPTH } from '../../src/ingest/otlp/index.ts';
import { startApiReceiver, type ApiReceiver } from '../group/support/apiReceiver.ts';
import {
  exportRequest,
  LAST_STORABLE_NANOS,
  protobufOf,
  requestDepth,
  type JsonAnyValue,
  type JsonKeyValue,
  type JsonRequest,
} from './support/otlpArbitraries.ts';

/*
 * Generated hostile requests through the real route into the real engine: each is answered
 * 200 (and then every record is stored as sent, or counted as rejected in partialSuccess) or
 * 4xx; never 5xx, never a crash or a hang.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-hostile-'));
const MAX_BODY_BYTES = 8 * 1024 * 1024;
let api: ApiReceiver;
let caseNumber = 0;
/** The retention (30 days by default) in nanoseconds before now: older records are the TTL's to drop. */
const RETENTION_START = (BigInt(Date.now()) - 30n * 86_400_000n) * 1_000_000n;
const NOW_NANOS = String(BigInt(Date.now()) * 1_000_000n);

beforeAll(async () => {
  api = await startApiReceiver(dataDir, { RECEIVER_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
});
afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface StoredRow {
  record: string;
  nanos: string;
  Body: string;
  SeverityText: string;
  LogAttributes: Record<string, string>;
}

async function storedRows(caseId: string): Promise<StoredRow[]> {
  return api.store.transport.query<StoredRow>(
    `SELECT LogAttributes['fuzz.record'] AS record, toString(toUnixTimestamp64Nano(Timestamp)) AS nanos, Body, SeverityText, LogAttributes
     FROM ${api.store.logsTable} WHERE ResourceAttributes['fuzz.case'] = {caseId:String}`,
    { caseId },
  );
}

/** Tags the request's resource with a case id and each record with its index (last, so it wins over a generated key). */
function tagged(request: JsonRequest, caseId: string): JsonRequest {
  const copy = structuredClone(request);
  const resourceLogs = copy.resourceLogs[0]!;
  resourceLogs.resource.attributes.push({ key: 'fuzz.case', value: { stringValue: caseId } });
  resourceLogs.scopeLogs[0]!.logRecords.forEach((record, i) =>
    record.attributes.push({ key: 'fuzz.record', value: { stringValue: String(i) } }),
  );
  return copy;
}

type Encoding = 'json' | 'protobuf';

/**
 * What a string becomes on the way in. JSON carries a lone surrogate as `\\ud800`, which the
 * receiver stores as U+FFFD; protobufjs writes it as three bytes that are not UTF-8, each of which
 * the receiver replaces with U+FFFD, as any UTF-8 decoder does.
 */
function received(text: string, encoding: Encoding): string {
  if (encoding === 'json') return text.toWellFormed();
  const bytes = new Uint8Array(protobuf.util.utf8.length(text));
  protobuf.util.utf8.write(text, bytes, 0);
  return new TextDecoder().decode(bytes);
}

/** The string an attribute list leaves for each key whose last value is a string (a repeated key keeps its last value). */
function lastStrings(attributes: JsonKeyValue[], encoding: Encoding): Map<string, string> {
  const last = new Map<string, JsonAnyValue>();
  for (const attribute of attributes) last.set(received(attribute.key, encoding), attribute.value);
  const strings = new Map<string, string>();
  for (const [key, value] of last) if ('stringValue' in value) strings.set(key, received(value.stringValue, encoding));
  return strings;
}

async function post(body: Buffer, contentType: string, gzip: boolean) {
  return api.receiver.app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    payload: gzip ? gzipSync(body) : body,
  });
}

describe('hostile OTLP requests through the route into the store', () => {
  it('generated requests in either encoding: 200 with every record stored as sent (or rejected by count), or 400 for too deep a nesting', async () => {
    await fc.assert(
      fc.asyncProperty(exportRequest, fc.constantFrom<Encoding>('json', 'protobuf'), fc.boolean(), async (generated, encoding, gzip) => {
        const caseId = String((caseNumber += 1));
        const request = tagged(generated, caseId);
        const body = encoding === 'json' ? Buffer.from(JSON.stringify(request)) : protobufOf(request);
        const response = await post(body, encoding === 'json' ? 'application/json' : 'application/x-protobuf', gzip);
        const tooDeep = requestDepth(request) > MAX_ANY_VALUE_DEPTH;
        if (body.length > MAX_BODY_BYTES) {
          expect(response.statusCode).toBe(413);
          return;
        }
        expect(response.statusCode).toBe(tooDeep ? 400 : 200);
        const rows = await storedRows(caseId);
        if (tooDeep) {
          expect(rows).toEqual([]);
          return;
        }
        const records = request.resourceLogs[0]!.scopeLogs[0]!.logRecords;
        const expected = records.flatMap((record, i) => {
          const nanos = BigInt(record.timeUnixNano) === 0n ? BigInt(record.observedTimeUnixNano) : BigInt(record.timeUnixNano);
          return nanos > LAST_STORABLE_NANOS ? [] : [{ i, nanos, record }];
        });
        const rejected = records.length - expected.length;
        const answer = encoding === 'json' ? (response.json() as { partialSuccess?: { rejectedLogRecords?: string | number } }) : undefined;
        if (answer) expect(Number(answer.partialSuccess?.rejectedLogRecords ?? 0)).toBe(rejected);
        const byRecord = new Map(rows.map((row) => [Number(row.record), row]));
        expect(rows.length).toBe(byRecord.size);
        for (const { i, nanos, record } of expected) {
          const row = byRecord.get(i);
          // A record older than the retention may already be gone: the table's TTL drops it (even at once, see README).
          if (nanos < RETENTION_START) continue;
          expect(row, `record ${i} at ${nanos} ns`).toBeDefined();
          expect(row!.nanos).toBe(String(nanos));
          expect(row!.SeverityText).toBe(received(record.severityText, encoding));
          if ('stringValue' in record.body) expect(row!.Body).toBe(received(record.body.stringValue, encoding));
          for (const [key, value] of lastStrings(record.attributes, encoding))
            expect(row!.LogAttributes[key], `attribute ${JSON.stringify(key)}`).toBe(value);
        }
        for (const row of rows) expect(expected.map(({ i }) => i)).toContain(Number(row.record));
      }),
      { numRuns: 60 },
    );
  }, 240_000);

  it('invalid UTF-8 inside a protobuf string is stored with U+FFFD in its place (as the Collector keeps it); in a JSON body it is a 400', async () => {
    const placeholder = 'Z'.repeat(24);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 24, maxLength: 24 }), async (bytes) => {
        const caseId = String((caseNumber += 1));
        const request = tagged(
          {
            resourceLogs: [
              {
                resource: { attributes: [] },
                scopeLogs: [
                  {
                    scope: { name: 's', version: '1' },
                    logRecords: [
                      {
                        timeUnixNano: NOW_NANOS,
                        observedTimeUnixNano: '0',
                        severityNumber: 17,
                        severityText: 'ERROR',
                        body: { stringValue: `<${placeholder}>` },
                        attributes: [],
                      },
                    ],
                  },
                ],
              },
            ],
          },
          caseId,
        );
        const protobuf = protobufOf(request);
        const at = protobuf.indexOf(placeholder);
        Buffer.from(bytes).copy(protobuf, at);
        expect((await post(protobuf, 'application/x-protobuf', false)).statusCode).toBe(200);
        const [row] = await storedRows(caseId);
        expect(row?.Body).toBe(`<${new TextDecoder().decode(bytes)}>`);

        const json = Buffer.from(JSON.stringify(request));
        Buffer.from(bytes).copy(json, json.indexOf(placeholder));
        const valid = (() => {
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(bytes);
            return !bytes.includes(0x22) && !bytes.includes(0x5c) && bytes.every((byte) => byte >= 0x20);
          } catch {
            return false;
          }
        })();
        const status = (await post(json, 'application/json', false)).statusCode;
        expect(valid ? [200] : [400]).toContain(status);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('any bytes under any content type and encoding: a 4xx or a 200, never a 5xx', async () => {
    const headers = fc.record({
      contentType: fc.constantFrom(
        'application/x-protobuf',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-protobuf; proto=x',
        '',
      ),
      encoding: fc.constantFrom(undefined, 'gzip', 'identity', 'br', 'GZIP', 'deflate, gzip'),
    });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4_096 }), headers, fc.boolean(), async (bytes, { contentType, encoding }, compress) => {
        const body = compress ? gzipSync(bytes) : Buffer.from(bytes);
        const response = await api.receiver.app.inject({
          method: 'POST',
          url: '/v1/logs',
          headers: { ...(contentType ? { 'content-type': contentType } : {}), ...(encoding ? { 'content-encoding': encoding } : {}) },
          payload: body,
        });
        expect(
          response.statusCode === 200 || (response.statusCode >= 400 && response.statusCode < 500),
          `${response.statusCode} ${response.body}`,
        ).toBe(true);
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it("records dated up to the end of DateTime64(9) (2262) are kept by the TTL, past DateTime's 2106 wrap included", async () => {
    const caseId = String((caseNumber += 1));
    const dates = ['2106-02-07T06:28:15Z', '2106-02-07T06:28:16Z', '2150-06-01T00:00:00Z', '2262-04-11T23:47:16Z'];
    const logRecords = dates.map((date) => ({
      timeUnixNano: String(BigInt(Date.parse(date)) * 1_000_000n),
      observedTimeUnixNano: '0',
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: date },
      attributes: [],
    }));
    const request = tagged(
      { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 's', version: '1' }, logRecords }] }] },
      caseId,
    );
    expect((await post(Buffer.from(JSON.stringify(request)), 'application/json', false)).statusCode).toBe(200);
    // A merge applies the TTL: whatever it would drop is dropped now.
    await api.store.transport.command(`OPTIMIZE TABLE ${api.store.logsTable} FINAL`);
    expect((await storedRows(caseId)).map((row) => row.Body).sort()).toEqual(dates);
  });

  it('a gzip bomb (a few KiB inflating beyond the body limit) is a 413', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY_BYTES * 2));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const response = await api.receiver.app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      payload: bomb,
    });
    expect(response.statusCode).toBe(413);
  });
});
