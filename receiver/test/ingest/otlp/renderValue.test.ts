import { describe, expect, it } from 'vitest';
import { renderAnyValue } from '../../../src/ingest/otlp/index.ts';
import type { AnyValue, Int64, KeyValue } from '../../../src/ingest/otlp/index.ts';
import { otlpRoot } from '../../../src/ingest/otlp/otlpProto.ts';
import { nestsTooDeep } from '../../../src/ingest/otlp/checkNesting.ts';
import { compareUtf8 } from '../../../src/ingest/otlp/goFormat.ts';
import { MAX_ANY_VALUE_DEPTH } from '../../../src/ingest/otlp/limits.ts';
import { renderAttributes } from '../../../src/ingest/otlp/renderAttributes.ts';

/*
 * pdata's Value.AsString (Collector ≥ v0.152: structured values without HTML escaping,
 * non-finite doubles spelled NaN / Infinity / -Infinity), checked on plain objects (the JSON
 * decoder's shape) and on protobufjs messages (defaults on the prototype, oneof members own).
 * The expected texts of the doubles, maps, arrays, escapes, key order and NaN-in-a-map cases
 * were produced by pdata v1.71.0 itself (a Go program calling Value.AsString).
 */

const AnyValueType = otlpRoot.lookupType('opentelemetry.proto.common.v1.AnyValue');

function int(text: string): Int64 {
  const value = BigInt.asUintN(64, BigInt(text));
  return { low: Number(value & 0xffffffffn) | 0, high: Number(value >> 32n) | 0, unsigned: false };
}

const str = (stringValue: string): AnyValue => ({ stringValue });
const dbl = (doubleValue: number): AnyValue => ({ doubleValue });
const kv = (key: string, value: AnyValue | null): KeyValue => ({ key, value });
const map = (...values: KeyValue[]): AnyValue => ({ kvlistValue: { values } });
const list = (...values: AnyValue[]): AnyValue => ({ arrayValue: { values } });

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 1; i < levels; i++) value = { arrayValue: { values: [value] } };
  return value;
}

/** The same value after a protobuf round trip through our own definitions. */
function viaProtobuf(value: AnyValue): AnyValue {
  const bytes = AnyValueType.encode(AnyValueType.fromObject(toProtobufObject(value))).finish();
  return AnyValueType.decode(bytes) as unknown as AnyValue;
}

function toProtobufObject(value: AnyValue): Record<string, unknown> {
  if (value.intValue) {
    const { low, high } = value.intValue;
    return { intValue: { low, high, unsigned: false } };
  }
  if (value.kvlistValue) {
    return {
      kvlistValue: {
        values: value.kvlistValue.values.map((entry) => ({
          key: entry.key,
          ...(entry.value ? { value: toProtobufObject(entry.value) } : {}),
        })),
      },
    };
  }
  if (value.arrayValue) return { arrayValue: { values: value.arrayValue.values.map(toProtobufObject) } };
  return { ...value };
}

const cases: Array<[string, AnyValue, string]> = [
  ['a string as is, HTML characters included', str('<tag> & "quotes"'), '<tag> & "quotes"'],
  ['an empty string', str(''), ''],
  ['true', { boolValue: true }, 'true'],
  ['false', { boolValue: false }, 'false'],
  ['zero', { intValue: int('0') }, '0'],
  ['a negative int', { intValue: int('-1') }, '-1'],
  ['int64 max', { intValue: int('9223372036854775807') }, '9223372036854775807'],
  ['int64 min', { intValue: int('-9223372036854775808') }, '-9223372036854775808'],
  ['an int past 2^53', { intValue: int('9007199254740993') }, '9007199254740993'],
  ['0.1', dbl(0.1), '0.1'],
  ['1e21 in exponent form', dbl(1e21), '1e+21'],
  ['1e20 in plain form', dbl(1e20), '100000000000000000000'],
  ['1e-7 without a padded exponent', dbl(1e-7), '1e-7'],
  ['1e-6 in plain form', dbl(1e-6), '0.000001'],
  ['negative zero with its sign', dbl(-0), '-0'],
  ['zero', dbl(0), '0'],
  ['the shortest round-trip digits', dbl(123456789.125), '123456789.125'],
  ['the largest double', dbl(Number.MAX_VALUE), '1.7976931348623157e+308'],
  ['the smallest double', dbl(5e-324), '5e-324'],
  ['NaN', dbl(NaN), 'NaN'],
  ['+Inf', dbl(Infinity), 'Infinity'],
  ['-Inf', dbl(-Infinity), '-Infinity'],
  ['bytes as standard base64', { bytesValue: new Uint8Array([0xfb, 0xff, 0xbf, 0x01]) }, '+/+/AQ=='],
  ['empty bytes', { bytesValue: new Uint8Array(0) }, ''],
  ['an empty value', {}, ''],
  ['an empty map', map(), '{}'],
  ['an empty array', list(), '[]'],
  [
    'a map with keys sorted and nothing HTML-escaped',
    map(kv('zeta', str('<tag>&')), kv('alpha', { intValue: int('9223372036854775807') }), kv('Beta', { boolValue: false })),
    '{"Beta":false,"alpha":9223372036854775807,"zeta":"<tag>&"}',
  ],
  [
    'nested maps and arrays without spaces',
    map(kv('b', list(str('x'), map(kv('y', dbl(1.5)), kv('x', {})), list())), kv('a', map())),
    '{"a":{},"b":["x",{"x":null,"y":1.5},[]]}',
  ],
  [
    'JSON numbers the way Go writes them',
    list(dbl(1e21), dbl(1e-7), dbl(-0), dbl(0.1), { intValue: int('-9223372036854775808') }),
    '[1e+21,1e-7,-0,0.1,-9223372036854775808]',
  ],
  [
    'bytes inside as base64 strings, empty bytes as null',
    list({ bytesValue: new Uint8Array([104, 105]) }, { bytesValue: new Uint8Array(0) }),
    '["aGk=",null]',
  ],
  ['empty values inside as null', map(kv('nothing', {}), kv('absent', null)), '{"absent":null,"nothing":null}'],
  [
    'string escapes as Go writes them',
    list(str('q"b\\n\n r\r t\t b\b f\f c\u0001 d\u007f'), str('line\u2028para\u2029')),
    '["q\\"b\\\\n\\n r\\r t\\t b\\b f\\f c\\u0001 d\u007f","line\\u2028para\\u2029"]',
  ],
  ['a repeated map key: the last value', map(kv('k', str('first')), kv('k', str('last'))), '{"k":"last"}'],
  [
    'keys in UTF-8 byte order, where UTF-16 order differs',
    map(kv('\u{1F600}', str('astral')), kv('\uFFFD', str('bmp')), kv('a', str('ascii'))),
    '{"a":"ascii","\uFFFD":"bmp","\u{1F600}":"astral"}',
  ],
  ["a map holding NaN: empty, as Go's encoder fails", map(kv('ok', str('x')), kv('bad', dbl(NaN))), ''],
  ['an array holding +Inf: empty', list(dbl(1), list(dbl(Infinity))), ''],
];

describe('renderAnyValue (pdata AsString)', () => {
  it.each(cases)('renders %s', (_name, value, expected) => {
    expect(renderAnyValue(value)).toBe(expected);
  });

  it.each(cases)('renders %s the same after a protobuf round trip', (_name, value, expected) => {
    expect(renderAnyValue(viaProtobuf(value))).toBe(expected);
  });

  it('renders null and undefined as empty', () => {
    expect(renderAnyValue(null)).toBe('');
    expect(renderAnyValue(undefined)).toBe('');
  });

  it('takes the member a protobuf message really carries, not the prototype defaults', () => {
    const decoded = viaProtobuf({ boolValue: false });
    // protobufjs exposes '' for stringValue through the prototype; the set member is the bool.
    expect(decoded.stringValue).toBe('');
    expect(renderAnyValue(decoded)).toBe('false');
  });

  it('renders the last oneof member on the wire when a value repeats its oneof, as pdata does', () => {
    const stringField = Buffer.from([0x0a, 0x01, 0x73]); // string_value "s"
    const intField = Buffer.from([0x18, 0x07]); // int_value 7
    const decode = (bytes: Buffer): AnyValue => AnyValueType.decode(bytes) as unknown as AnyValue;
    expect(renderAnyValue(decode(Buffer.concat([stringField, intField])))).toBe('7');
    expect(renderAnyValue(decode(Buffer.concat([intField, stringField])))).toBe('s');
    const deepArray = AnyValueType.encode(AnyValueType.fromObject(nested(MAX_ANY_VALUE_DEPTH + 5))).finish();
    // The superseded array is neither rendered nor held against the nesting limit.
    const value = decode(Buffer.concat([Buffer.from(deepArray), stringField]));
    expect(renderAnyValue(value)).toBe('s');
    expect(nestsTooDeep(value, 1)).toBe(false);
    expect(nestsTooDeep(decode(Buffer.from(deepArray)), 1)).toBe(true);
  });

  it('treats a profiles string-table index as an empty value, as pdata does', () => {
    const bytes = AnyValueType.encode(AnyValueType.fromObject({ stringValueStrindex: 3 })).finish();
    expect(renderAnyValue(AnyValueType.decode(bytes) as unknown as AnyValue)).toBe('');
  });
});

describe('renderAttributes', () => {
  it('renders every value and lists keys in UTF-8 byte order', () => {
    const record = renderAttributes([kv('b', { intValue: int('2') }), kv('a', str('x')), kv('c', map(kv('z', str('<'))))]);
    expect(record).toEqual({ a: 'x', b: '2', c: '{"z":"<"}' });
    expect(Object.keys(record)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the last value of a repeated key', () => {
    expect(renderAttributes([kv('k', str('1')), kv('j', str('j')), kv('k', str('2'))])).toEqual({ j: 'j', k: '2' });
    expect(renderAttributes([kv('k', str('1')), kv('k', str('2'))])).toEqual({ k: '2' });
  });

  it('keeps a "__proto__" key as an ordinary entry', () => {
    const record = renderAttributes([kv('__proto__', str('polluted?')), kv('a', str('b'))]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.entries(record)).toEqual([
      ['__proto__', 'polluted?'],
      ['a', 'b'],
    ]);
  });

  it('renders an empty list as an empty object', () => {
    expect(renderAttributes([])).toEqual({});
  });
});

describe('compareUtf8', () => {
  it('orders as UTF-8 bytes: code points above U+FFFF after U+E000–U+FFFF, whichever side they are on', () => {
    expect(compareUtf8('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareUtf8('\uFFFD', '\u{1F600}')).toBeLessThan(0);
    expect(compareUtf8('\u{1F600}', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('ab', 'abc')).toBeLessThan(0);
    expect(compareUtf8('same', 'same')).toBe(0);
  });
});
