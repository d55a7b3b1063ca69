import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import {
  MAX_ANY_VALUE_DEPTH,
  OtlpDecodeError,
  decodeJsonRequest,
  decodeProtobufRequest,
  toLogRows,
} from '../../../src/ingest/otlp/index.ts';
import { ExportLogsServiceRequestType } from '../../../src/ingest/otlp/otlpProto.ts';
import { emitWithSdk, posFailure } from './support/sdkLogs.ts';

/* Every way a request can be undecodable ends in an OtlpDecodeError (a 400), never a crash. */

function decodeError(decode: () => unknown): OtlpDecodeError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error('decoding succeeded');
}

/** A protobuf request with one log record built from protobufjs-style fields. */
function protobufWithRecord(record: Record<string, unknown>): Uint8Array {
  const message = ExportLogsServiceRequestType.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
  return ExportLogsServiceRequestType.encode(message).finish();
}

/** A body nesting `levels` AnyValues: arrays of one element around a string. */
function nestedValue(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 1; i < levels; i++) value = { arrayValue: { values: [value] } };
  return value;
}

function varint(n: number): number[] {
  const bytes: number[] = [];
  for (; n > 127; n >>>= 7) bytes.push((n & 127) | 128);
  bytes.push(n);
  return bytes;
}

function field(tag: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, ...varint(payload.length)]), payload]);
}

/** Protobuf bytes of a body nested `levels` deep, assembled by hand (protobufjs refuses to encode it). */
function deeplyNestedProtobuf(levels: number): Buffer {
  let value = field(0x0a, Buffer.from('x')); // AnyValue.string_value
  for (let i = 1; i < levels; i++) value = field(0x2a, field(0x0a, value)); // array_value { values }
  const record = field(0x2a, value); // LogRecord.body
  return field(0x0a, field(0x12, field(0x12, record))); // request.resource_logs.scope_logs.log_records
}

describe('decodeProtobufRequest refuses', () => {
  it('a truncated request', async () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(await emitWithSdk([posFailure(1)])) ?? new Uint8Array();
    const error = decodeError(() => decodeProtobufRequest(bytes.subarray(0, bytes.length - 10)));
    expect(error.message).toMatch(/^invalid protobuf ExportLogsServiceRequest: index out of range/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it.each([
    ['an invalid wire type', Buffer.from([0x0f, 0x01])],
    ['a varint that never ends', Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ['JSON sent as protobuf', Buffer.from('{"resourceLogs":[]}')],
    ['a length beyond the end', Buffer.from([0x0a, 0x7f, 0x00])],
  ])('garbage: %s', (_name, bytes) => {
    expect(decodeError(() => decodeProtobufRequest(bytes)).message).toMatch(/^invalid protobuf ExportLogsServiceRequest: /);
  });

  it('a 15-byte trace id, naming the record', () => {
    const bytes = protobufWithRecord({ traceId: Buffer.alloc(15, 1) });
    expect(decodeError(() => decodeProtobufRequest(bytes)).message).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[0].traceId: expected 16 bytes, got 15',
    );
  });

  it('a 9-byte span id', () => {
    const bytes = protobufWithRecord({ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(9, 1) });
    expect(decodeError(() => decodeProtobufRequest(bytes)).message).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[0].spanId: expected 8 bytes, got 9',
    );
  });

  it(`values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels, in a body and in attributes`, () => {
    const deepBody = protobufWithRecord({ body: nestedValue(MAX_ANY_VALUE_DEPTH + 1) });
    expect(decodeError(() => decodeProtobufRequest(deepBody)).message).toBe(
      `resourceLogs[0].scopeLogs[0].logRecords[0].body: values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`,
    );
    const deepAttribute = ExportLogsServiceRequestType.encode(
      ExportLogsServiceRequestType.fromObject({
        resourceLogs: [
          {
            resource: {
              attributes: [
                { key: 'ok', value: nestedValue(3) },
                { key: 'deep', value: nestedValue(40) },
              ],
            },
            scopeLogs: [],
          },
        ],
      }),
    ).finish();
    expect(decodeError(() => decodeProtobufRequest(deepAttribute)).message).toBe(
      `resourceLogs[0].resource.attributes[1]: values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`,
    );
  });

  it('a body nested 10,000 deep, without overflowing the stack', () => {
    const error = decodeError(() => decodeProtobufRequest(deeplyNestedProtobuf(10_000)));
    expect(error.message).toContain('nest too deeply');
  });
});

describe('decodeProtobufRequest accepts', () => {
  it(`values nested exactly ${MAX_ANY_VALUE_DEPTH} levels, in every place an attribute can be`, () => {
    const deepest = nestedValue(MAX_ANY_VALUE_DEPTH);
    const bytes = ExportLogsServiceRequestType.encode(
      ExportLogsServiceRequestType.fromObject({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'r', value: deepest }] },
            scopeLogs: [
              {
                scope: { attributes: [{ key: 's', value: deepest }] },
                logRecords: [{ body: deepest, attributes: [{ key: 'l', value: deepest }] }],
              },
            ],
          },
        ],
      }),
    ).finish();
    const [row] = toLogRows(decodeProtobufRequest(bytes)).rows;
    const rendered = `${'['.repeat(MAX_ANY_VALUE_DEPTH - 1)}"leaf"${']'.repeat(MAX_ANY_VALUE_DEPTH - 1)}`;
    expect(row?.Body).toBe(rendered);
    expect([row?.LogAttributes.l, row?.ScopeAttributes.s, row?.ResourceAttributes.r]).toEqual([rendered, rendered, rendered]);
  });

  it('invalid UTF-8 in a string, kept (the bad byte escaped as U+DCFF) rather than refusing the batch, as the Collector keeps it', () => {
    const body = field(0x0a, Buffer.from([0x61, 0xff, 0x62])); // AnyValue.string_value "a\xffb"
    const bytes = field(0x0a, field(0x12, field(0x12, field(0x2a, body))));
    expect(toLogRows(decodeProtobufRequest(bytes)).rows[0]?.Body).toBe('a\udcffb');
  });

  it('an empty body as an empty request', () => {
    expect(decodeProtobufRequest(new Uint8Array(0)).resourceLogs).toEqual([]);
  });

  it('a plain Uint8Array as well as a Buffer', async () => {
    const bytes = ProtobufLogsSerializer.serializeRequest(await emitWithSdk([posFailure(3)])) ?? new Uint8Array();
    const copy = new Uint8Array(bytes.length + 3).subarray(3);
    copy.set(bytes);
    expect(toLogRows(decodeProtobufRequest(copy)).rows[0]?.LogAttributes['order.id']).toBe('ord-100003');
  });
});

const RECORD_PATH = 'resourceLogs[0].scopeLogs[1].logRecords[3]';

/** A JSON request whose fourth record of the second scope is `record`. */
function jsonWithRecord(record: unknown): string {
  return JSON.stringify({
    resourceLogs: [{ scopeLogs: [{ logRecords: [] }, { logRecords: [{}, {}, {}, record] }] }],
  });
}

describe('decodeJsonRequest refuses', () => {
  it('text that is not JSON', () => {
    const error = decodeError(() => decodeJsonRequest('{"resourceLogs": ['));
    expect(error.message).toMatch(/^invalid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ['a request that is an array', '[]', '(request): expected an object, got an array'],
    ['a request that is a number', '42', '(request): expected an object, got 42'],
    ['resourceLogs as a string', '{"resourceLogs":"x"}', 'resourceLogs: expected an array, got "x"'],
    [
      'a scopeLogs item as a string',
      '{"resourceLogs":[{"scopeLogs":[{},"oops"]}]}',
      'resourceLogs[0].scopeLogs[1]: expected an object, got "oops"',
    ],
    ['a resource as an array', '{"resourceLogs":[{"resource":[]}]}', 'resourceLogs[0].resource: expected an object, got an array'],
    ['a schemaUrl as a number', '{"resourceLogs":[{"schemaUrl":3}]}', 'resourceLogs[0].schemaUrl: expected a string, got 3'],
    [
      'a scope name as an object',
      '{"resourceLogs":[{"scopeLogs":[{"scope":{"name":{}}}]}]}',
      'resourceLogs[0].scopeLogs[0].scope.name: expected a string, got an object',
    ],
    [
      'a resource attribute key as a number',
      '{"resourceLogs":[{"resource":{"attributes":[{"key":1}]}}]}',
      'resourceLogs[0].resource.attributes[0].key: expected a string, got 1',
    ],
  ])('%s', (_name, text, message) => {
    expect(decodeError(() => decodeJsonRequest(text)).message).toBe(message);
  });

  it.each([
    ['a 30-character trace id', { traceId: 'ab'.repeat(15) }, `traceId: expected 32 hex characters, got "${'ab'.repeat(15)}"`],
    ['a trace id that is not hex', { traceId: 'zz'.repeat(16) }, `traceId: expected 32 hex characters, got "${'zz'.repeat(16)}"`],
    ['a trace id as a number', { traceId: 42 }, 'traceId: expected 32 hex characters, got 42'],
    ['a 15-character span id', { spanId: 'a'.repeat(15) }, `spanId: expected 16 hex characters, got "${'a'.repeat(15)}"`],
    ['a non-numeric timeUnixNano', { timeUnixNano: 'soon' }, 'timeUnixNano: expected an unsigned 64-bit integer, got "soon"'],
    ['a negative timeUnixNano', { timeUnixNano: '-1' }, 'timeUnixNano: expected an unsigned 64-bit integer, got "-1"'],
    [
      'a timeUnixNano of 2^64',
      { time_unix_nano: '18446744073709551616' },
      'time_unix_nano: expected an unsigned 64-bit integer, got "18446744073709551616"',
    ],
    [
      'a fractional observedTimeUnixNano',
      { observedTimeUnixNano: 1.5 },
      'observedTimeUnixNano: expected an unsigned 64-bit integer, got 1.5',
    ],
    [
      'an unknown severity name',
      { severityNumber: 'SEVERITY_NUMBER_LOUD' },
      'severityNumber: expected a known enum name or number, got "SEVERITY_NUMBER_LOUD"',
    ],
    ['a severity beyond int32', { severityNumber: 2 ** 31 }, 'severityNumber: expected a 32-bit integer, got 2147483648'],
    ['a severity number in a string', { severityNumber: '9' }, 'severityNumber: expected a known enum name or number, got "9"'],
    ['a severity as a boolean', { severityNumber: true }, 'severityNumber: expected a known enum name or number, got true'],
    ['negative flags', { flags: -1 }, 'flags: expected an unsigned 32-bit integer, got -1'],
    ['flags as a word', { flags: 'sampled' }, 'flags: expected an unsigned 32-bit integer, got "sampled"'],
    ['a body as a string', { body: 'text' }, 'body: expected an object, got "text"'],
    ['attributes as an object', { attributes: {} }, 'attributes: expected an array, got an object'],
    ['an attribute key as a number', { attributes: [{ key: 5 }] }, 'attributes[0].key: expected a string, got 5'],
    [
      'a stringValue as a number',
      { attributes: [{ key: 'a', value: { stringValue: 5 } }] },
      'attributes[0].value.stringValue: expected a string, got 5',
    ],
    ['a boolValue as a string', { body: { boolValue: 'true' } }, 'body.boolValue: expected true or false, got "true"'],
    ['an intValue with a fraction', { body: { intValue: '12.5' } }, 'body.intValue: expected a 64-bit integer, got "12.5"'],
    ['a doubleValue as a word', { body: { doubleValue: 'lots' } }, 'body.doubleValue: expected a number, got "lots"'],
    ['a bytesValue that is not base64', { body: { bytesValue: 'not base64!' } }, 'body.bytesValue: expected base64, got "not base64!"'],
    [
      'a bad value deep in a map',
      {
        attributes: [
          {
            key: 'm',
            value: {
              kvlistValue: {
                values: [
                  { key: 'ok', value: {} },
                  { key: 'x', value: { intValue: [] } },
                ],
              },
            },
          },
        ],
      },
      'attributes[0].value.kvlistValue.values[1].value.intValue: expected a 64-bit integer, got an array',
    ],
  ])('%s, naming the field path', (_name, record, message) => {
    expect(decodeError(() => decodeJsonRequest(jsonWithRecord(record))).message).toBe(`${RECORD_PATH}.${message}`);
  });

  it('an int64 beyond its range sent as a bare number (the OTel JS SDK writes 1e21 that way)', () => {
    const text = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":1e+21}}]}]}]}';
    expect(decodeError(() => decodeJsonRequest(text)).message).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: expected a 64-bit integer, got 1e+21',
    );
  });

  it(`values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`, () => {
    const message = decodeError(() => decodeJsonRequest(jsonWithRecord({ body: nestedValue(MAX_ANY_VALUE_DEPTH + 1) }))).message;
    expect(message).toMatch(
      new RegExp(
        `^${escapeRegExp(RECORD_PATH)}\\.body(\\.arrayValue\\.values\\[0\\])*\\.arrayValue\\.values: values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels$`,
      ),
    );
  });

  it('a body nested 10,000 deep, without overflowing the stack', () => {
    const text = jsonWithRecord({ body: { kvlistValue: 'PLACEHOLDER' } }).replace(
      '"PLACEHOLDER"',
      `${'{"values":[{"key":"k","value":{"kvlistValue":'.repeat(10_000)}{}${'}}]}'.repeat(10_000)}`,
    );
    expect(() => JSON.parse(text)).not.toThrow();
    expect(decodeError(() => decodeJsonRequest(text)).message).toContain(`values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  });

  it('a document nested 10,000 deep that needs the exact re-parse for a bare 64-bit number', () => {
    const text = `{"ignored":${'['.repeat(10_000)}${']'.repeat(10_000)},"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":9007199254740993}]}]}]}`;
    const error = decodeError(() => decodeJsonRequest(text));
    expect(error.message).toBe('invalid JSON: nested too deeply');
    expect(error.cause).toBeInstanceOf(RangeError);
  });
});

describe('decodeJsonRequest accepts', () => {
  it('deep nesting inside unknown fields when no exact re-parse is needed (they are never walked)', () => {
    const text = `{"ignored":${'['.repeat(10_000)}${']'.repeat(10_000)},"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"9007199254740993"}]}]}]}`;
    expect(toLogRows(decodeJsonRequest(text)).rows[0]?.Timestamp).toBe('9007199254740993');
  });

  it(`values nested exactly ${MAX_ANY_VALUE_DEPTH} levels`, () => {
    const [row] = toLogRows(decodeJsonRequest(jsonWithRecord({ body: nestedValue(MAX_ANY_VALUE_DEPTH) }))).rows.slice(-1);
    expect(row?.Body).toBe(`${'['.repeat(MAX_ANY_VALUE_DEPTH - 1)}"leaf"${']'.repeat(MAX_ANY_VALUE_DEPTH - 1)}`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
