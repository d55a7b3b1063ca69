import fc from 'fast-check';
import { MAX_ANY_VALUE_DEPTH } from '../../../src/ingest/otlp/limits.ts';
import { ExportLogsServiceRequestType } from '../../../src/ingest/otlp/otlpProto.ts';

/*
 * OTLP requests as documents in the OTLP/JSON mapping (int64 as decimal strings, bytes as
 * base64, no trace ids), which protobufjs's fromObject also takes: one generated request can be
 * sent in both encodings.
 */
export type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: JsonKeyValue[] } };
export interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
export interface JsonLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: JsonAnyValue;
  attributes: JsonKeyValue[];
}
export interface JsonRequest {
  resourceLogs: Array<{
    resource: { attributes: JsonKeyValue[] };
    scopeLogs: Array<{ scope: { name: string; version: string }; logRecords: JsonLogRecord[] }>;
  }>;
}

const INT64_EDGES = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '4294967296', '-4294967297', '9007199254740993'];
/** Nanosecond timestamps: 1970, the epoch's edges, DateTime's 2106 wrap, the end of DateTime64(9) and beyond, uint64's end. */
export const TIMESTAMP_EDGES = [
  '0',
  '1',
  '999999999',
  '946684800000000000',
  '4294967295000000000',
  '4294967296000000000',
  '7258118400000000000',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
];
/** DateTime64(9) ends at 2^63 − 1 ns; later records are refused one by one (partialSuccess). */
export const LAST_STORABLE_NANOS = 9223372036854775807n;

/** Text with what breaks naive code: quotes, backslashes, control characters, lone surrogates, astral characters, NUL. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\0',
    '"',
    '\\',
    "'; DROP TABLE otel_logs; --",
    '\uD800',
    '\uDFFF',
    'a\uD83Db',
    '😀',
    '\u2028\u2029',
    '\t\n\r',
    '{"a":1}',
    '\\u0000',
  ),
  fc.array(fc.constantFrom('a', '\\', '"', '\uD800', '😀', '\0', 'é', '\u0085'), { maxLength: 30 }).map((parts) => parts.join('')),
);

const int64 = fc.oneof(fc.constantFrom(...INT64_EDGES), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
const double = fc.oneof(fc.double(), fc.constantFrom<number | string>('NaN', 'Infinity', '-Infinity', -0, 5e-324, 1.7976931348623157e308));
const base64 = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64'));

function anyValue(depth: number): fc.Arbitrary<JsonAnyValue> {
  const scalar = fc.oneof(
    { weight: 4, arbitrary: hostileString.map((stringValue) => ({ stringValue })) },
    fc.boolean().map((boolValue) => ({ boolValue })),
    int64.map((intValue) => ({ intValue })),
    double.map((doubleValue) => ({ doubleValue })),
    base64.map((bytesValue) => ({ bytesValue })),
  );
  if (depth >= 4) return scalar;
  return fc.oneof(
    { weight: 5, arbitrary: scalar },
    fc.array(anyValue(depth + 1), { maxLength: 4 }).map((values) => ({ arrayValue: { values } })),
    fc.array(keyValue(depth + 1), { maxLength: 4 }).map((values) => ({ kvlistValue: { values } })),
  );
}

function keyValue(depth: number): fc.Arbitrary<JsonKeyValue> {
  return fc.record({ key: fc.oneof(hostileString, fc.constantFrom('k', 'k', 'pos.store.id')), value: anyValue(depth) });
}

/** A value nested `depth` levels (1 = a scalar), alternating arrays and kvlists. */
export function nested(depth: number, leaf: JsonAnyValue = { stringValue: 'leaf' }): JsonAnyValue {
  let value = leaf;
  for (let level = 2; level <= depth; level += 1) {
    value = level % 2 === 0 ? { arrayValue: { values: [value] } } : { kvlistValue: { values: [{ key: `l${level}`, value }] } };
  }
  return value;
}

export const attributes = fc.oneof(
  { weight: 6, arbitrary: fc.array(keyValue(1), { maxLength: 8 }) },
  // Huge maps: thousands of keys, some repeated.
  fc
    .integer({ min: 500, max: 3_000 })
    .map((count) => Array.from({ length: count }, (_, i) => ({ key: `attr.${i % (count - 7)}`, value: { stringValue: `v${i}` } }))),
);

export const logRecord: fc.Arbitrary<JsonLogRecord> = fc.record({
  timeUnixNano: fc.oneof(fc.constantFrom(...TIMESTAMP_EDGES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)),
  observedTimeUnixNano: fc.constantFrom(...TIMESTAMP_EDGES),
  severityNumber: fc.integer({ min: 0, max: 24 }),
  severityText: hostileString,
  body: fc.oneof(
    { weight: 3, arbitrary: anyValue(1) },
    fc.integer({ min: 1, max: MAX_ANY_VALUE_DEPTH + 3 }).map((depth) => nested(depth)),
    fc.integer({ min: 1_000, max: 300_000 }).map((length) => ({ stringValue: 'é'.repeat(length) })),
  ),
  attributes,
});

export const exportRequest: fc.Arbitrary<JsonRequest> = fc
  .record({
    resourceAttributes: fc.array(keyValue(1), { maxLength: 4 }),
    scopeName: hostileString,
    records: fc.array(logRecord, { minLength: 1, maxLength: 5 }),
  })
  .map(({ resourceAttributes, scopeName, records }) => ({
    resourceLogs: [
      { resource: { attributes: resourceAttributes }, scopeLogs: [{ scope: { name: scopeName, version: '1' }, logRecords: records }] },
    ],
  }));

export function protobufOf(request: JsonRequest): Buffer {
  return Buffer.from(ExportLogsServiceRequestType.encode(ExportLogsServiceRequestType.fromObject(request)).finish());
}

/** The deepest nesting of a value (1 = a scalar or an empty list). */
export function depthOf(value: JsonAnyValue): number {
  if ('arrayValue' in value) return 1 + Math.max(0, ...value.arrayValue.values.map(depthOf));
  if ('kvlistValue' in value) return 1 + Math.max(0, ...value.kvlistValue.values.map((entry) => depthOf(entry.value)));
  return 1;
}

export function requestDepth(request: JsonRequest): number {
  const values = request.resourceLogs.flatMap((resourceLogs) => [
    ...resourceLogs.resource.attributes.map((attribute) => attribute.value),
    ...resourceLogs.scopeLogs.flatMap((scopeLogs) =>
      scopeLogs.logRecords.flatMap((record) => [record.body, ...record.attributes.map((attribute) => attribute.value)]),
    ),
  ]);
  return Math.max(1, ...values.map(depthOf));
}
