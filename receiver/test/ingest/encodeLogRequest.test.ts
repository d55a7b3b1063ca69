import { SeverityNumber } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { decodeJsonRequest, decodeProtobufRequest, toLogRows } from '../../src/ingest/otlp/index.ts';
import type { AnyValue, ExportRequest, Int64, KeyValue, LogRecord } from '../../src/ingest/otlp/index.ts';
import { ExportLogsServiceRequestType } from '../../src/ingest/otlp/otlpProto.ts';
import { encodeLogRequest, encodeLogRequestWithRows } from '../../src/ingest/encodeLogRequest.ts';
import { encodeLogRows } from '../../src/ingest/encodeLogRows.ts';
import { writeKeepingBytes } from '../../src/ingest/otlp/rawBytes.ts';
import { posLogRequests } from '@stacklens/test-support/otlp';
import { DEMO_RESOURCE, SAMPLED_SPAN, emitWithSdk, posFailure, type EmittedLog } from './otlp/support/sdkLogs.ts';

/*
 * The write path encodes a request straight to JSONCompactEachRow; the reference is the row
 * objects encoded afterwards. Both must give the same bytes for every input, so the fast path
 * can never store anything the rendering rules (toLogRows) would not.
 */

function expectSameEncoding(request: ExportRequest): void {
  const reference = toLogRows(request);
  // Bytes that were not UTF-8 travel as lone U+DC80–U+DCFF and are written back as bytes (rawBytes.ts).
  const referenceText = encodeLogRows(reference.rows);
  const buffer = Buffer.alloc(referenceText.length * 3);
  const referenceBytes = buffer.subarray(0, writeKeepingBytes(referenceText, buffer, 0));
  const fast = encodeLogRequest(request);
  expect(fast.payload.toString('utf8')).toBe(referenceBytes.toString('utf8'));
  expect(fast.payload.equals(referenceBytes)).toBe(true);
  expect(fast.rowCount).toBe(reference.rows.length);
  expect(fast.rejected).toBe(reference.rejected);
  expect(fast.rejectionMessage).toBe(reference.rejectionMessage);

  const withRows = encodeLogRequestWithRows(request);
  expect(withRows.payload.equals(referenceBytes)).toBe(true);
  expect(withRows.rows).toEqual(reference.rows);
  expect(withRows.rejectionMessage).toBe(reference.rejectionMessage);
}

function viaProtobuf(records: ReadableLogRecord[]): ExportRequest {
  return decodeProtobufRequest(ProtobufLogsSerializer.serializeRequest(records)!);
}

function viaJson(records: ReadableLogRecord[]): ExportRequest {
  return decodeJsonRequest(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records)!));
}

/** Bodies and attributes of every AnyValue kind, as the SDK sends them. */
const VARIED_LOGS: EmittedLog[] = [
  { body: 'plain', severityNumber: SeverityNumber.INFO, severityText: 'INFO' },
  { body: 'quote " backslash \\ tab \t newline \n nul \u0000 del \u007f', attributes: { 'a"b': 'c\\d' } },
  { body: 'ünïcode — 日本語 — emoji 🧾 — separators \u2028\u2029', attributes: { ключ: 'значение', '🔑': '🗝️' } },
  { body: 42, attributes: { int: 2 ** 60, negative: -7, zero: 0 } },
  { body: -0.5, attributes: { double: 12345.678, tiny: 5e-324, negZero: -0, third: 1 / 3 } },
  { body: true, attributes: { yes: true, no: false } },
  { body: new Uint8Array([0, 1, 2, 253, 254, 255]), attributes: { bytes: new Uint8Array([104, 105]) } },
  { body: { nested: { list: [1, 'two', 3.5, false, null] }, b: 'x' }, attributes: { map: { z: 1, a: [true] } } },
  { body: ['a', { k: 'v' }, [1, [2, [3]]]], attributes: { list: ['x', 'y'], empty: [] } },
  { body: null, attributes: { '0': 'index-like', '42': 'index-like too', '4294967295': 'not an index', '-1': 'no', '01': 'no' } },
  { body: undefined, eventName: 'pos.checkout.failed', spanContext: SAMPLED_SPAN },
  { body: 'no attributes at all' },
  { body: 'constructor keys', attributes: { constructor: 'c', toString: 't', hasOwnProperty: 'h', '': 'empty key' } },
  { body: 'time', timestamp: [1_700_000_000, 1], observedTimestamp: [1_700_000_001, 2] },
];

describe('encodeLogRequest gives the bytes of encodeLogRows(toLogRows(request).rows)', () => {
  it.each([
    ['protobuf', viaProtobuf],
    ['json', viaJson],
  ] as const)('for SDK records of every value kind, sent as %s', async (_name, decode) => {
    expectSameEncoding(decode(await emitWithSdk(VARIED_LOGS)));
    expectSameEncoding(
      decode(
        await emitWithSdk(VARIED_LOGS, {
          resource: { ...DEMO_RESOURCE, '0': 'index-like resource key', 'quote"': 'x' },
          resourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          scopeName: 'scope "quoted"',
          scopeVersion: '1.0.0-ünï',
          scopeSchemaUrl: 'https://example.com/schema',
          scopeAttributes: { 'scope.attr': 'x', '7': 'seven' },
        }),
      ),
    );
  });

  it.each([
    ['protobuf', viaProtobuf],
    ['json', viaJson],
  ] as const)('for POS failures with exceptions, sent as %s', async (_name, decode) => {
    expectSameEncoding(decode(await emitWithSdk(Array.from({ length: 300 }, (_, i) => posFailure(i)))));
  });

  it("for the benchmark's request bodies", () => {
    for (const body of posLogRequests(3, 1000)) expectSameEncoding(decodeProtobufRequest(body));
  });

  it('for requests with no records, and with records past the end of DateTime64(9)', () => {
    expectSameEncoding({ resourceLogs: [] });
    expectSameEncoding({ resourceLogs: [{ resource: null, schemaUrl: '', scopeLogs: [] }] });
    expectSameEncoding(request([[[record({ timeUnixNano: u64(2n ** 63n) }), record({ body: { stringValue: 'kept' } })]]]));
    expect(encodeLogRequest(request([[[record({ timeUnixNano: u64(2n ** 64n - 1n) })]]]))).toMatchObject({
      rowCount: 0,
      rejected: 1,
    });
  });

  it('for rows far larger than the first guess at the payload size', () => {
    const huge = 'x'.repeat(100_000) + '"é\u2028';
    const records = Array.from({ length: 20 }, (_, i) =>
      record({ body: { stringValue: huge + i }, attributes: [kv('big', { stringValue: huge })] }),
    );
    expectSameEncoding(request([[records]]));
    expect(encodeLogRequest(request([[records]])).payload.length).toBeGreaterThan(20 * 2 * 100_000);
  });

  it('for a generated corpus of tricky keys, values, ids, resources and scopes (plain and through protobuf)', () => {
    const random = mulberry32(20261125);
    for (let i = 0; i < 300; i++) {
      const generated = generateRequest(random);
      expectSameEncoding(generated);
      expectSameEncoding(decodeProtobufRequest(ExportLogsServiceRequestType.encode(toProtobufObject(generated)).finish()));
    }
  });
});

describe('AttributeRenderer key layouts', () => {
  it('keeps rendering right while more key lists alternate than it remembers', () => {
    const lists = Array.from({ length: 7 }, (_, n) =>
      Array.from({ length: n + 1 }, (_, k) => kv(`key.${(k * 7 + n) % 10}`, { stringValue: `v${n}.${k}` })),
    );
    const records = Array.from({ length: 70 }, (_, i) => record({ attributes: lists[(i * 3) % 7]! }));
    expectSameEncoding(request([[records]]));
    const rows = toLogRows(request([[records]])).rows;
    expect(rows[1]!.LogAttributes).toEqual(Object.fromEntries(lists[3]!.map((entry) => [entry.key, entry.value?.stringValue])));
  });
});

// ---- inputs built by hand and generated ----

function u64(value: bigint): Int64 {
  return { low: Number(BigInt.asIntN(32, value)), high: Number(BigInt.asIntN(32, value >> 32n)), unsigned: true };
}

const kv = (key: string, value: AnyValue | null): KeyValue => ({ key, value });

function record(fields: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: u64(1_700_000_000_000_000_000n),
    observedTimeUnixNano: u64(0n),
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    eventName: '',
    ...fields,
  };
}

/** Resources of scopes of records. */
function request(resources: LogRecord[][][]): ExportRequest {
  return {
    resourceLogs: resources.map((scopes, r) => ({
      resource: { attributes: [kv('service.name', { stringValue: `svc-${r}` })], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeLogs: scopes.map((logRecords) => ({ scope: null, schemaUrl: '', logRecords })),
    })),
  };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY_TEXT = [
  '',
  'plain',
  'STORE_001',
  'quote " inside',
  'back\\slash',
  'control \u0001\u001f\b\f\r\n\t',
  'nul \u0000',
  'ünïcödé',
  '日本語',
  'emoji 🧾🛒',
  'lone high \ud800 surrogate',
  'lone low \udc00 surrogate',
  'reversed \udc00\ud800 pair',
  'line sep \u2028 para sep \u2029',
  '\u007f\u0080\u00ff',
  '\uffff\ufffe',
  '</script>',
  '{"looks":"like json"}',
];

const TRICKY_KEYS = [
  ...TRICKY_TEXT,
  '0',
  '1',
  '42',
  '4294967294',
  '4294967295',
  '-0',
  '01',
  '1.5',
  '__proto__',
  'constructor',
  'toString',
  'service.name',
  'error.code',
  'a',
  'A',
  'é',
  '\ud83d\ude00',
  '\uff61',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function generateValue(random: () => number, depth: number): AnyValue | null {
  const kind = Math.floor(random() * (depth > 3 ? 7 : 10));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return {
        value: 'intValue',
        intValue: u64(BigInt.asUintN(64, BigInt(Math.floor((random() - 0.5) * 2 ** 53)) << BigInt(Math.floor(random() * 12)))),
      };
    case 2:
      return { value: 'boolValue', boolValue: random() < 0.5 };
    case 3:
      return {
        value: 'doubleValue',
        doubleValue: pick(random, [0, -0, 0.1, -2.5e-8, 1e21, 123456789.125, NaN, Infinity, -Infinity, random() * 1e6]),
      };
    case 4:
      return { value: 'bytesValue', bytesValue: Uint8Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * 256)) };
    case 5:
    case 6:
      return { value: 'stringValue', stringValue: pick(random, TRICKY_TEXT) + (random() < 0.5 ? String(Math.floor(random() * 1000)) : '') };
    case 7:
      return {
        value: 'kvlistValue',
        kvlistValue: {
          values: Array.from({ length: Math.floor(random() * 4) }, () => kv(pick(random, TRICKY_KEYS), generateValue(random, depth + 1))),
        },
      };
    default:
      return {
        value: 'arrayValue',
        arrayValue: { values: Array.from({ length: Math.floor(random() * 4) }, () => generateValue(random, depth + 1) ?? {}) },
      };
  }
}

function generateAttributes(random: () => number, keys: readonly string[]): KeyValue[] {
  const attributes = keys.map((key) => kv(key, generateValue(random, 1)));
  // A repeated key, which OTLP forbids but the wire allows, is drawn but left out: the payload
  // keeps every entry as the exporter does, which row objects cannot (the exporter comparison,
  // collector/test/exporterOracle.test.ts, checks those against the exporter itself).
  if (attributes.length > 0 && random() < 0.1) generateValue(random, 1);
  return attributes;
}

/** Distinct keys (see generateAttributes on repeated ones). */
function generateKeys(random: () => number): string[] {
  return [...new Set(Array.from({ length: Math.floor(random() * 7) }, () => pick(random, TRICKY_KEYS)))];
}

function generateId(random: () => number, bytes: number): Uint8Array {
  const choice = random();
  if (choice < 0.3) return new Uint8Array(0);
  if (choice < 0.4) return new Uint8Array(bytes);
  return Uint8Array.from({ length: bytes }, () => Math.floor(random() * 256));
}

function generateRequest(random: () => number): ExportRequest {
  // A few key lists per request, reused as real batches do, so the layout cache is exercised.
  const keyLists = Array.from({ length: 1 + Math.floor(random() * 5) }, () => generateKeys(random));
  return {
    resourceLogs: Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
      resource:
        random() < 0.1
          ? null
          : {
              attributes: generateAttributes(random, [...new Set([...(random() < 0.8 ? ['service.name'] : []), ...generateKeys(random)])]),
              droppedAttributesCount: 0,
            },
      schemaUrl: random() < 0.3 ? 'https://opentelemetry.io/schemas/1.26.0' : '',
      scopeLogs: Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
        scope:
          random() < 0.2
            ? null
            : {
                name: pick(random, TRICKY_TEXT),
                version: pick(random, ['', '1.0.0', 'v"2"']),
                attributes: generateAttributes(random, generateKeys(random).slice(0, 2)),
                droppedAttributesCount: 0,
              },
        schemaUrl: random() < 0.2 ? pick(random, TRICKY_TEXT) : '',
        logRecords: Array.from({ length: Math.floor(random() * 25) }, () =>
          record({
            timeUnixNano: u64(
              random() < 0.1 ? 0n : random() < 0.05 ? 2n ** 63n + 5n : 1_700_000_000_000_000_000n + BigInt(Math.floor(random() * 1e12)),
            ),
            observedTimeUnixNano: u64(1_700_000_000_000_000_001n),
            severityNumber: pick(random, [0, 9, 17, 24, 300]),
            severityText: pick(random, ['', 'INFO', 'ERROR', 'wärn "x"']),
            body: generateValue(random, 1),
            attributes: generateAttributes(random, pick(random, keyLists)),
            flags: pick(random, [0, 1, 257, 0xffffffff]),
            traceId: generateId(random, 16),
            spanId: generateId(random, 8),
            eventName: random() < 0.2 ? pick(random, TRICKY_TEXT) : '',
          }),
        ),
      })),
    })),
  };
}

/** The generated request as protobufjs's fromObject input (Longs as decimal text). */
function toProtobufObject(request: ExportRequest): protobufMessage {
  return ExportLogsServiceRequestType.fromObject(JSON.parse(JSON.stringify(request, protobufJsonReplacer)) as object);
}

type protobufMessage = ReturnType<typeof ExportLogsServiceRequestType.fromObject>;

function protobufJsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value && 'unsigned' in value) {
    const { low, high, unsigned } = value as Int64;
    const big = (BigInt(high) << 32n) | BigInt(low >>> 0);
    return (unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big)).toString();
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (key === 'doubleValue' && Object.is(value, -0)) return '-0';
  return value;
}
