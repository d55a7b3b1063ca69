import { describe, expect, it } from 'vitest';
import { InterningReader, NOT_ASCII, asciiHash } from '../../../src/ingest/otlp/InterningReader.ts';
import { ExportLogsServiceRequestType, otlpRoot } from '../../../src/ingest/otlp/otlpProto.ts';

const KeyValueType = otlpRoot.lookupType('opentelemetry.proto.common.v1.KeyValue');

function encodedKey(bytes: Uint8Array): Buffer {
  // KeyValue.key (field 1, length-delimited) with raw bytes, valid UTF-8 or not.
  return Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
}

function keyThroughBoth(bytes: Uint8Array): [string, string] {
  const message = encodedKey(bytes);
  const plain = KeyValueType.decode(Buffer.from(message)) as unknown as { key: string };
  const interned = KeyValueType.decode(new InterningReader(Buffer.from(message))) as unknown as { key: string };
  return [interned.key, plain.key];
}

describe('InterningReader', () => {
  it('reads every string exactly as protobufjs reads it: ASCII, UTF-8, empty, long', () => {
    const samples: Uint8Array[] = [
      Buffer.from(''),
      Buffer.from('pos.store.id'),
      Buffer.from('STORE_001'),
      Buffer.from('ünïcode'),
      Buffer.from('🧾'),
      Buffer.from('\ufffd is a character too'),
      Buffer.from([0x7f, 0x00, 0x01]),
      Buffer.from('x'.repeat(32)),
      Buffer.from('y'.repeat(33)),
      Buffer.from('a longer attribute value that is never cached'),
    ];
    for (let round = 0; round < 3; round++) {
      for (const sample of samples) {
        const [interned, plain] = keyThroughBoth(sample);
        expect(interned).toBe(plain);
      }
    }
  });

  it('keeps the bytes that are not UTF-8, one escape each, as Go keeps them (protobufjs would write U+FFFD)', () => {
    const cases: Array<[number[], string]> = [
      [[0x80], '\udc80'],
      [[0x61, 0xff, 0x62], 'a\udcffb'],
      // Go's utf8 rules: an incomplete sequence is one bad byte per byte, a surrogate's encoding is bad, overlong too.
      [[0xe2, 0x82], '\udce2\udc82'],
      [[0xed, 0xa0, 0x80], '\udced\udca0\udc80'],
      [[0xc0, 0xaf], '\udcc0\udcaf'],
      [[0xf4, 0x90, 0x80, 0x80], '\udcf4\udc90\udc80\udc80'],
      [[0xef, 0xbf, 0xbd, 0xff, 0xf0, 0x9f, 0xa7, 0xbe], '\ufffd\udcff🧾'],
      [[...Buffer.from('x'.repeat(40)), 0xff], `${'x'.repeat(40)}\udcff`],
    ];
    for (const [bytes, expected] of cases) expect(keyThroughBoth(Uint8Array.from(bytes))[0]).toBe(expected);
  });

  it('never returns a cached string for other bytes, however many strings share the cache', () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 50_000; i++) {
      const text = `k${(i * 7919) % 20_000}`;
      const [interned, plain] = keyThroughBoth(Buffer.from(text));
      expect(interned).toBe(plain);
      seen.set(text, interned);
    }
    expect(seen.size).toBe(20_000);
  });

  it('checks a cache hit byte by byte: two strings with the same hash both read right', () => {
    const byHash = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 2_000_000; i++) {
      const text = `k${i.toString(36).padStart(6, '0')}`;
      const bytes = Buffer.from(text);
      const hash = asciiHash(bytes, 0, bytes.length);
      const other = byHash.get(hash);
      if (other !== undefined) pair = [other, text];
      else byHash.set(hash, text);
    }
    expect(pair).toBeDefined();
    const [first, second] = pair!;
    expect(keyThroughBoth(Buffer.from(first))[0]).toBe(first);
    expect(keyThroughBoth(Buffer.from(second))[0]).toBe(second);
    expect(keyThroughBoth(Buffer.from(first))[0]).toBe(first);
    expect(asciiHash(Buffer.from('ü'), 0, 2)).toBe(NOT_ASCII);
  });

  it("fails on a string running past the end, with protobufjs's message", () => {
    const truncated = Buffer.from([0x0a, 0x05, 0x61, 0x62]);
    const plainError = captureError(() => KeyValueType.decode(Buffer.from(truncated)));
    const internedError = captureError(() => KeyValueType.decode(new InterningReader(Buffer.from(truncated))));
    expect(internedError).toBeInstanceOf(RangeError);
    expect(internedError.message).toBe(plainError.message);
  });

  it('decodes whole requests to the same messages', () => {
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'demo-pos' } }] },
          scopeLogs: [
            {
              scope: { name: 'scope', version: '1.0' },
              logRecords: Array.from({ length: 50 }, (_, i) => ({
                severityText: i % 2 ? 'INFO' : 'ERROR',
                body: { stringValue: `Order ORD-${i} placed — ü` },
                attributes: [
                  { key: 'pos.store.id', value: { stringValue: `STORE_00${i % 5}` } },
                  { key: 'order.id', value: { stringValue: `ORD-${i}` } },
                ],
              })),
            },
          ],
        },
      ],
    };
    const bytes = ExportLogsServiceRequestType.encode(ExportLogsServiceRequestType.fromObject(request)).finish();
    const plain = ExportLogsServiceRequestType.decode(Buffer.from(bytes));
    const interned = ExportLogsServiceRequestType.decode(new InterningReader(Buffer.from(bytes)));
    expect(ExportLogsServiceRequestType.toObject(interned)).toEqual(ExportLogsServiceRequestType.toObject(plain));
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
