/**
 * The OTLP corpus the exporter comparison runs over: OTLP/protobuf
 * ExportLogsServiceRequest bodies, hand-picked edge cases and generated ones.
 *
 * The bodies are written by the small protobuf writer below rather than by the
 * receiver's own schema, so that strings can carry bytes that are not UTF-8
 * (protobuf decoders in Go keep them; JavaScript strings cannot hold them) and so
 * that the corpus does not share code with the decoder it tests.
 */

/** Text, or raw bytes for strings that are not valid UTF-8. */
export type Bytes = string | Uint8Array;

export type Value =
  | { string: Bytes }
  | { bool: boolean }
  | { int: bigint }
  | { double: number }
  | { bytes: Uint8Array }
  | { array: Array<Value | undefined> }
  | { kvlist: Attribute[] }
  /** An AnyValue with no field set. */
  | { empty: true };

export type Attribute = [key: Bytes, value: Value | undefined];

export interface LogRecordSpec {
  time?: bigint;
  observed?: bigint;
  severity?: number;
  severityText?: Bytes;
  body?: Value;
  attributes?: Attribute[];
  flags?: number;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  eventName?: Bytes;
}

export interface ScopeSpec {
  name?: Bytes;
  version?: Bytes;
  attributes?: Attribute[];
  schemaUrl?: Bytes;
  records: LogRecordSpec[];
}

export interface ResourceSpec {
  attributes?: Attribute[];
  schemaUrl?: Bytes;
  scopes: ScopeSpec[];
}

// ---- protobuf writing (wire format: varint, fixed64, fixed32, length-delimited) ----

class ProtoWriter {
  readonly #chunks: number[] = [];

  varint(value: bigint): this {
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.#chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.#chunks.push(Number(rest));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(BigInt((field << 3) | wireType));
  }

  uint(field: number, value: bigint | number): this {
    return this.tag(field, 0).varint(BigInt(value));
  }

  fixed64(field: number, value: bigint): this {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt.asUintN(64, value));
    return this.tag(field, 1).raw(buffer);
  }

  double(field: number, value: number): this {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleLE(value);
    return this.tag(field, 1).raw(buffer);
  }

  fixed32(field: number, value: number): this {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value >>> 0);
    return this.tag(field, 5).raw(buffer);
  }

  bytes(field: number, value: Bytes): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.tag(field, 2).varint(BigInt(bytes.length)).raw(bytes);
  }

  message(field: number, write: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  raw(bytes: Uint8Array): this {
    for (const byte of bytes) this.#chunks.push(byte);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#chunks);
  }
}

function writeValue(writer: ProtoWriter, value: Value): void {
  if ('string' in value) writer.bytes(1, value.string);
  else if ('bool' in value) writer.uint(2, value.bool ? 1 : 0);
  else if ('int' in value) writer.uint(3, value.int);
  else if ('double' in value) writer.double(4, value.double);
  else if ('array' in value)
    writer.message(5, (list) => value.array.forEach((item) => list.message(1, (w) => item && writeValue(w, item))));
  else if ('kvlist' in value) writer.message(6, (list) => writeAttributes(list, 1, value.kvlist));
  else if ('bytes' in value) writer.bytes(7, value.bytes);
}

function writeAttributes(writer: ProtoWriter, field: number, attributes: Attribute[] | undefined): void {
  for (const [key, value] of attributes ?? []) {
    writer.message(field, (kv) => {
      kv.bytes(1, key);
      if (value) kv.message(2, (w) => writeValue(w, value));
    });
  }
}

function writeRecord(writer: ProtoWriter, record: LogRecordSpec): void {
  if (record.time !== undefined) writer.fixed64(1, record.time);
  if (record.severity !== undefined) writer.uint(2, BigInt(record.severity));
  if (record.severityText !== undefined) writer.bytes(3, record.severityText);
  if (record.body) writer.message(5, (w) => writeValue(w, record.body!));
  writeAttributes(writer, 6, record.attributes);
  if (record.flags !== undefined) writer.fixed32(8, record.flags);
  if (record.traceId) writer.bytes(9, record.traceId);
  if (record.spanId) writer.bytes(10, record.spanId);
  if (record.observed !== undefined) writer.fixed64(11, record.observed);
  if (record.eventName !== undefined) writer.bytes(12, record.eventName);
}

/** An ExportLogsServiceRequest in protobuf. */
export function encodeRequest(resources: ResourceSpec[]): Uint8Array {
  const writer = new ProtoWriter();
  for (const resource of resources) {
    writer.message(1, (resourceLogs) => {
      resourceLogs.message(1, (w) => writeAttributes(w, 1, resource.attributes));
      for (const scope of resource.scopes) {
        resourceLogs.message(2, (scopeLogs) => {
          scopeLogs.message(1, (w) => {
            if (scope.name !== undefined) w.bytes(1, scope.name);
            if (scope.version !== undefined) w.bytes(2, scope.version);
            writeAttributes(w, 3, scope.attributes);
          });
          for (const record of scope.records) scopeLogs.message(2, (w) => writeRecord(w, record));
          if (scope.schemaUrl !== undefined) scopeLogs.bytes(3, scope.schemaUrl);
        });
      }
      if (resource.schemaUrl !== undefined) resourceLogs.bytes(3, resource.schemaUrl);
    });
  }
  return writer.finish();
}

// ---- the corpus ----

const INVALID = Uint8Array.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x63]); // a, a lone 0xff, a bad pair, a surrogate, c
const TRUNCATED = Uint8Array.from([0x7a, 0xe2, 0x82]); // z then half of '€'

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const s = (text: Bytes): Value => ({ string: text });
const i = (value: bigint | number): Value => ({ int: BigInt(value) });
const d = (value: number): Value => ({ double: value });

/**
 * Hand-picked requests, each for one rule of the exporter's rendering. `now` dates the records
 * (nanoseconds), so that the table's TTL keeps them.
 */
export function edgeCases(now: bigint): Record<string, ResourceSpec[]> {
  const one = (record: LogRecordSpec, resource: Partial<ResourceSpec> = {}, scope: Partial<ScopeSpec> = {}): ResourceSpec[] => [
    { attributes: [['service.name', s('edge')]], ...resource, scopes: [{ name: 'scope', ...scope, records: [record] }] },
  ];
  return {
    'time-observed': [
      {
        attributes: [['service.name', s('clock')]],
        scopes: [
          {
            records: [
              { time: now, observed: now + 5n, body: s('time set') },
              { observed: now + 7n, body: s('only observed') },
              { time: now + 1n, body: s('time only') },
            ],
          },
        ],
      },
    ],
    'severity-flags-ids': one({
      time: now,
      severity: 300,
      severityText: 'Fatal-ish',
      flags: 0x1ff,
      traceId: hex('0af7651916cd43dd8448eb211c80319c'),
      spanId: hex('b7ad6b7169203331'),
    }),
    'negative-severity': one({ time: now, severity: -1, flags: 0xffffffff }),
    'empty-record': one({ time: now }),
    'scalar-bodies': [
      {
        attributes: [['service.name', s('bodies')]],
        scopes: [
          {
            name: 'bodies',
            version: '1.0.0',
            records: (
              [
                s('plain text'),
                s(''),
                s('quotes " and \\ and \n newline \t tab \u0001 control \u2028 line separator'),
                s('ünïcödé ✓ 😀'),
                { bool: true },
                { bool: false },
                i(0),
                i(-42),
                i(9_223_372_036_854_775_807n),
                i(-9_223_372_036_854_775_808n),
                d(0.1),
                d(-0),
                d(1e21),
                d(1e-7),
                d(123456789.125),
                d(5e-324),
                d(1.7976931348623157e308),
                d(Number.NaN),
                d(Number.POSITIVE_INFINITY),
                d(Number.NEGATIVE_INFINITY),
                { bytes: Uint8Array.from([0, 1, 2, 250, 251, 252, 253, 254, 255]) },
                { bytes: new Uint8Array() },
                { empty: true },
              ] satisfies Value[]
            ).map((body, n) => ({ time: now + BigInt(n), body })),
          },
        ],
      },
    ],
    'structured-bodies': [
      {
        attributes: [['service.name', s('structured')]],
        scopes: [
          {
            records: [
              { array: [s('a'), i(1), d(1.5), { bool: true }, { bytes: Uint8Array.from([1, 2]) }, undefined, { empty: true }] },
              { array: [] },
              { kvlist: [] },
              {
                kvlist: [
                  ['z', s('last')],
                  ['a', s('first')],
                  ['n', i(7)],
                  ['f', d(2.5)],
                  ['nan', d(Number.NaN)],
                  ['inf', d(Number.POSITIVE_INFINITY)],
                  ['b', { bytes: Uint8Array.from([255]) }],
                  ['nested', { kvlist: [['deep', { array: [{ kvlist: [['x', s('<&>')]] }] }]] }],
                  ['none', undefined],
                  ['html', s('<script>&amp;</script>')],
                ],
              },
              {
                kvlist: [
                  ['dup', s('one')],
                  ['dup', s('two')],
                ],
              },
            ].map((body, n) => ({ time: now + BigInt(n), body: body as Value })),
          },
        ],
      },
    ],
    'attribute-values': one({
      time: now,
      attributes: [
        ['string', s('text')],
        ['int', i(-7)],
        ['double', d(0.30000000000000004)],
        ['bool', { bool: true }],
        ['bytes', { bytes: Uint8Array.from([104, 105]) }],
        ['array', { array: [s('x'), i(2)] }],
        ['map', { kvlist: [['k', s('v')]] }],
        ['empty', { empty: true }],
        ['missing', undefined],
      ],
    }),
    'attribute-key-order': one({
      time: now,
      attributes: [
        ['b', s('1')],
        ['10', s('2')],
        ['2', s('3')],
        ['a', s('4')],
        ['', s('empty key')],
        ['__proto__', s('proto')],
        ['constructor', s('ctor')],
        ['\uFFFD', s('replacement char')],
        ['😀', s('astral')],
        ['Z', s('upper')],
        ['é', s('accent')],
      ],
    }),
    'repeated-keys': one(
      {
        time: now,
        attributes: [
          ['k', s('first')],
          ['other', s('x')],
          ['k', s('second')],
          ['k', i(3)],
        ],
      },
      {
        attributes: [
          ['service.name', s('first-service')],
          ['service.name', s('second-service')],
          ['host', s('a')],
          ['host', s('b')],
        ],
      },
      {
        attributes: [
          ['scope.key', s('one')],
          ['scope.key', s('two')],
        ],
      },
    ),
    'invalid-utf8': one(
      {
        time: now,
        severityText: INVALID,
        body: s(INVALID),
        eventName: TRUNCATED,
        attributes: [
          ['value', s(INVALID)],
          [INVALID, s('bad key')],
          ['nested', { kvlist: [['inner', s(INVALID)]] }],
          ['list', { array: [s(TRUNCATED)] }],
        ],
      },
      {
        attributes: [
          ['service.name', s(INVALID)],
          ['res', s(TRUNCATED)],
        ],
        schemaUrl: INVALID,
      },
      { name: INVALID, version: TRUNCATED, schemaUrl: TRUNCATED, attributes: [['scope', s(INVALID)]] },
    ),
    'invalid-utf8-structured-body': one({
      time: now,
      body: {
        kvlist: [
          ['m', s(INVALID)],
          [TRUNCATED, s('k')],
        ],
      },
    }),
    'invalid-utf8-array-body': one({ time: now, body: { array: [s(INVALID), s('ok')] } }),
    'service-name-not-string': one({ time: now }, { attributes: [['service.name', i(42)]] }),
    'no-service-name': one({ time: now }, { attributes: [['host.name', s('pos-1')]] }),
    kubernetes: one(
      { time: now, body: s('pod log'), eventName: 'k8s.event' },
      {
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        attributes: [
          ['service.name', s('checkout')],
          ['k8s.cluster.name', s('prod-eu')],
          ['k8s.container.name', s('app')],
          ['k8s.deployment.name', s('checkout')],
          ['k8s.namespace.name', s('shop')],
          ['k8s.node.name', s('node-7')],
          ['k8s.pod.name', s('checkout-7d9c')],
          ['k8s.pod.uid', s('0d3e7c9a-1b2c-4d5e-8f90-123456789abc')],
          ['deployment.environment.name', s('production')],
        ],
      },
      { name: 'io.opentelemetry.k8s', version: '2.1', schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' },
    ),
    'several-resources-and-scopes': [
      {
        attributes: [['service.name', s('svc-a')]],
        scopes: [
          { name: 's1', records: [{ time: now, body: s('a1') }] },
          {
            name: 's2',
            attributes: [['x', s('y')]],
            records: [
              { time: now + 1n, body: s('a2') },
              { time: now + 2n, body: s('a3') },
            ],
          },
          { name: 'empty scope', records: [] },
        ],
      },
      { attributes: [], scopes: [{ records: [{ time: now + 3n, body: s('no resource attributes') }] }] },
      { attributes: [['service.name', s('svc-b')]], scopes: [] },
    ],
  };
}

/** A deterministic pseudo-random generator (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS: Bytes[] = [
  'service.name',
  'store.id',
  'error.code',
  'k8s.pod.name',
  'a',
  'B',
  '1',
  '10',
  '',
  'ключ',
  '😀',
  'x.y.z',
  'dup',
  INVALID,
];
const TEXTS: Bytes[] = ['', 'hello', 'ERROR: payment declined', 'tab\tquote"back\\slash', 'ü€😀', '\u0000nul', INVALID, TRUNCATED];

/** `count` generated requests: random resources, scopes, records, keys and values of every type, up to 3 levels deep. */
export function generatedCases(now: bigint, count: number, seed = 20261205): Record<string, ResourceSpec[]> {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const upTo = (n: number): number => Math.floor(random() * (n + 1));
  const value = (depth: number): Value | undefined => {
    const kinds = depth >= 3 ? 6 : 8;
    switch (upTo(kinds)) {
      case 0:
        return undefined;
      case 1:
        return i(BigInt(Math.floor((random() - 0.5) * 2 ** 53)) * BigInt(upTo(1) === 1 ? 1024 : 1));
      case 2:
        return d(pick([0.5, -1e-9, 1e300, 12345.678, Math.PI, -0, 100]));
      case 3:
        return { bool: random() < 0.5 };
      case 4:
        return { bytes: Uint8Array.from({ length: upTo(6) }, () => upTo(255)) };
      case 5:
      case 6:
        return s(pick(TEXTS));
      case 7:
        return { array: Array.from({ length: upTo(3) }, () => value(depth + 1)) };
      default:
        return { kvlist: attributes(depth + 1, 3) };
    }
  };
  const attributes = (depth: number, max: number): Attribute[] => Array.from({ length: upTo(max) }, () => [pick(KEYS), value(depth)]);
  const cases: Record<string, ResourceSpec[]> = {};
  for (let n = 0; n < count; n++) {
    cases[`generated-${String(n).padStart(3, '0')}`] = Array.from({ length: 1 + upTo(2) }, () => ({
      attributes: attributes(1, 4),
      schemaUrl: random() < 0.2 ? pick(TEXTS) : undefined,
      scopes: Array.from({ length: 1 + upTo(2) }, () => ({
        name: random() < 0.7 ? pick(TEXTS) : undefined,
        version: random() < 0.5 ? pick(['1.0', '', '2.3.4']) : undefined,
        attributes: attributes(1, 2),
        records: Array.from({ length: 1 + upTo(4) }, () => ({
          time: random() < 0.9 ? now - BigInt(upTo(1_000_000_000)) : undefined,
          observed: now + BigInt(upTo(1000)),
          severity: upTo(30),
          severityText: random() < 0.7 ? pick(['INFO', 'ERROR', 'warn', '']) : undefined,
          body: value(1),
          attributes: attributes(1, 6),
          flags: random() < 0.3 ? upTo(0x3ff) : undefined,
          traceId: random() < 0.5 ? Uint8Array.from({ length: 16 }, () => upTo(255)) : undefined,
          spanId: random() < 0.5 ? Uint8Array.from({ length: 8 }, () => upTo(255)) : undefined,
          eventName: random() < 0.3 ? pick(TEXTS) : undefined,
        })),
      })),
    }));
  }
  return cases;
}
