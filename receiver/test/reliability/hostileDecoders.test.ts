import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeJsonRequest,
  decodeProtobufRequest,
  MAX_ANY_VALUE_DEPTH,
  OtlpDecodeError,
  type ExportRequest,
} from '../../src/ingest/otlp/index.ts';
import { encodeLogRequestWithRows } from '../../src/ingest/encodeLogRequest.ts';
import { exportRequest, hostileString, protobufOf, requestDepth } from './support/otlpArbitraries.ts';
import { loadRecords, protobufRequest } from './support/loadRecords.ts';

/*
 * The decoders' contract under hostile input: a request decodes and renders to rows, or is
 * refused with an OtlpDecodeError (→ 400 naming the field). Any other exception would be a 5xx
 * or a crash; a hang would time the property out. (10,000-level nesting in either encoding is
 * covered by test/ingest/otlp/decodeErrors.test.ts.)
 */
type Outcome = { kind: 'rows'; rows: number; rejected: number } | { kind: 'refused'; message: string };

function outcome(decode: () => ExportRequest): Outcome {
  let request: ExportRequest;
  try {
    request = decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return { kind: 'refused', message: error.message };
    throw error;
  }
  const encoded = encodeLogRequestWithRows(request);
  return { kind: 'rows', rows: encoded.rowCount, rejected: encoded.rejected };
}

const validBody = protobufRequest(loadRecords(0, 20, { severity: 'ERROR', bodyBytes: 40 }));

describe('the protobuf decoder under hostile bytes', () => {
  it('any bytes: rows or an OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_048 }), (bytes) => {
        outcome(() => decodeProtobufRequest(bytes));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a real request truncated anywhere, bytes flipped or spliced in: rows or an OtlpDecodeError', () => {
    const mutation = fc.oneof(
      fc.nat({ max: validBody.length - 1 }).map((end) => Uint8Array.from(validBody.subarray(0, end))),
      fc
        .array(fc.tuple(fc.nat({ max: validBody.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => {
          const bytes = Uint8Array.from(validBody);
          for (const [at, value] of flips) bytes[at] = value;
          return bytes;
        }),
      fc
        .tuple(fc.nat({ max: validBody.length }), fc.uint8Array({ minLength: 1, maxLength: 32 }))
        .map(([at, inserted]) => Uint8Array.from(Buffer.concat([validBody.subarray(0, at), inserted, validBody.subarray(at)]))),
    );
    fc.assert(
      fc.property(mutation, (bytes) => {
        outcome(() => decodeProtobufRequest(bytes));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a truncated request is refused, not half stored', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: validBody.length - 1 }), (end) => {
        const result = outcome(() => decodeProtobufRequest(validBody.subarray(0, end)));
        // A cut that happens to fall between two whole records decodes as fewer records: never as more.
        if (result.kind === 'rows') expect(result.rows).toBeLessThan(20);
      }),
      { numRuns: 500 },
    );
  });
});

describe('both decoders on generated requests with extreme values', () => {
  it(`agree, accept exactly the requests nested at most ${MAX_ANY_VALUE_DEPTH} deep, and refuse only with an OtlpDecodeError`, () => {
    fc.assert(
      fc.property(exportRequest, (request) => {
        const fromJson = outcome(() => decodeJsonRequest(JSON.stringify(request)));
        const fromProtobuf = outcome(() => decodeProtobufRequest(protobufOf(request)));
        const tooDeep = requestDepth(request) > MAX_ANY_VALUE_DEPTH;
        expect(fromJson.kind).toBe(tooDeep ? 'refused' : 'rows');
        expect(fromProtobuf.kind).toBe(fromJson.kind);
        if (fromJson.kind === 'rows' && fromProtobuf.kind === 'rows') expect(fromProtobuf).toEqual(fromJson);
        if (fromJson.kind === 'refused') expect(fromJson.message).toMatch(/nest/);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the JSON decoder under wrong types', () => {
  /** A valid request in which one field at a random path gets a value of any JSON type. */
  const wrongTyped = fc
    .tuple(exportRequest, fc.jsonValue({ maxDepth: 3 }), fc.nat(), fc.nat())
    .map(([request, replacement, pathPick, keyPick]) => {
      const document = JSON.parse(JSON.stringify(request)) as unknown;
      const containers: Array<Record<string, unknown> | unknown[]> = [];
      const walk = (node: unknown, depth: number): void => {
        if (depth > 40 || node === null || typeof node !== 'object') return;
        containers.push(node as Record<string, unknown>);
        for (const child of Object.values(node)) walk(child, depth + 1);
      };
      walk(document, 0);
      const target = containers[pathPick % containers.length]!;
      const keys = Object.keys(target);
      if (keys.length > 0) (target as Record<string, unknown>)[keys[keyPick % keys.length]!] = replacement;
      return JSON.stringify(document);
    });

  it('any field replaced by any JSON value: rows or an OtlpDecodeError', () => {
    fc.assert(
      fc.property(wrongTyped, (text) => {
        outcome(() => decodeJsonRequest(text));
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary JSON documents and arbitrary text: rows or an OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), hostileString, fc.string({ maxLength: 200 })), (text) => {
        outcome(() => decodeJsonRequest(text));
      }),
      { numRuns: 2_000 },
    );
  });

  const sixtyFour = fc.oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.constantFrom(
      '1e21',
      '1.5',
      '-0',
      '0x10',
      '',
      ' 1',
      '18446744073709551616',
      '18446744073709551615',
      '9223372036854775808',
      '-9223372036854775809',
      'NaN',
    ),
  );
  /** As a JSON string, or as a bare JSON number when it is an integer (int64 may be either). */
  const literal = (value: string, asNumber: boolean) => (asNumber && /^-?\d+$/.test(value) ? value : JSON.stringify(value));
  const bits = (value: { low: number; high: number }) => (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);

  it('int64 values: any integer text or number is taken exactly or refused, never rounded or wrapped', () => {
    fc.assert(
      fc.property(sixtyFour, fc.boolean(), (value, asNumber) => {
        const text = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"intValue":${literal(value, asNumber)}}}]}]}]}`;
        if (outcome(() => decodeJsonRequest(text)).kind === 'refused') return;
        const body = decodeJsonRequest(text).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body!.intValue!;
        expect(BigInt.asIntN(64, bits(body))).toBe(BigInt(value));
      }),
      { numRuns: 500 },
    );
  });

  it('uint64 timestamps: any integer text or number is taken exactly or refused, never rounded or wrapped', () => {
    fc.assert(
      fc.property(sixtyFour, fc.boolean(), (value, asNumber) => {
        const text = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":${literal(value, asNumber)}}]}]}]}`;
        if (outcome(() => decodeJsonRequest(text)).kind === 'refused') return;
        const time = decodeJsonRequest(text).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.timeUnixNano;
        expect(bits(time)).toBe(BigInt(value));
      }),
      { numRuns: 500 },
    );
  });
});
