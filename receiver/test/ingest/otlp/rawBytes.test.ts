import { describe, expect, it } from 'vitest';
import { compareUtf8, quoteGoJsonString } from '../../../src/ingest/otlp/goFormat.ts';
import { jsonString } from '../../../src/ingest/otlp/jsonString.ts';
import { decodeUtf8KeepingBytes, writeKeepingBytes } from '../../../src/ingest/otlp/rawBytes.ts';

function roundTrip(bytes: Uint8Array): Buffer {
  const text = decodeUtf8KeepingBytes(bytes, 0, bytes.length);
  const buffer = Buffer.alloc(text.length * 3);
  return buffer.subarray(0, writeKeepingBytes(text, buffer, 0));
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

describe('bytes that are not UTF-8', () => {
  it('come back byte for byte, whatever they are', () => {
    const random = mulberry32(20261205);
    for (let n = 0; n < 2_000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256));
      expect(roundTrip(bytes).equals(Buffer.from(bytes))).toBe(true);
    }
    const valid = Buffer.from('ünïcödé 🧾 \ufffd text');
    expect(decodeUtf8KeepingBytes(valid, 0, valid.length)).toBe(valid.toString('utf8'));
  });

  it('stay raw in the payload and become \\ufffd inside a structured value, one per byte, as Go writes them', () => {
    const text = decodeUtf8KeepingBytes(Uint8Array.from([0x61, 0xe2, 0x82, 0x22]), 0, 4);
    expect(jsonString(text)).toBe('"a\udce2\udc82\\""');
    expect(quoteGoJsonString(text)).toBe('"a\\ufffd\\ufffd\\""');
    // A pair whose low half lies in U+DC80–U+DCFF is a character, not an escaped byte.
    expect(jsonString('\ud83d\udca9 \udcff')).toBe('"\ud83d\udca9 \udcff"');
    expect(quoteGoJsonString('\ud83d\udca9')).toBe('"\ud83d\udca9"');
  });

  it('sort as the bytes they are, as Go compares map keys', () => {
    const keys = [
      [0x61, 0xff],
      [0x61, 0xc3, 0xa9],
      [0x61, 0xf0, 0x9f, 0xa7, 0xbe],
      [0x61, 0xee, 0x80, 0x80],
      [0x61, 0x80],
      [0x61, 0x7a],
    ].map((bytes) => decodeUtf8KeepingBytes(Uint8Array.from(bytes), 0, bytes.length));
    const bytesOf = (text: string) => {
      const buffer = Buffer.alloc(text.length * 3);
      return buffer.subarray(0, writeKeepingBytes(text, buffer, 0));
    };
    const expected = [...keys].sort((a, b) => Buffer.compare(bytesOf(a), bytesOf(b)));
    expect([...keys].sort(compareUtf8)).toEqual(expected);
  });
});
