import { describe, expect, it } from 'vitest';
import { jsonString } from '../../../src/ingest/otlp/jsonString.ts';

describe('jsonString', () => {
  it('writes every UTF-16 code unit exactly as JSON.stringify does, but for escaped bytes', () => {
    for (let unit = 0; unit <= 0xffff; unit++) {
      const text = `a${String.fromCharCode(unit)}b`;
      // U+DC80–U+DCFF alone stand for bytes that were not UTF-8 (rawBytes.ts): left for the payload to write as bytes.
      const expected = unit >= 0xdc80 && unit <= 0xdcff ? `"${text}"` : JSON.stringify(text);
      if (jsonString(text) !== expected) expect.fail(`code unit ${unit.toString(16)}: ${jsonString(text)}`);
    }
  });

  it('agrees with JSON.stringify on pairs, lone surrogates and plain text', () => {
    const samples = ['', 'plain text', '🧾', '\ud83e\uddfe', '\ud800', 'x\udc00', '\udc00\ud800', '\u2028\u2029', '"\\/', 'ü日本'];
    for (const sample of samples) expect(jsonString(sample)).toBe(JSON.stringify(sample));
  });
});
