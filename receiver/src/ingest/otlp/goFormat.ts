import { ESCAPED_BYTE, writeKeepingBytes } from './rawBytes.ts';

/*
 * The text Go produces for the values pdata renders, so our rows match the Collector's
 * byte for byte.
 */

/**
 * A float64 as Go's encoding/json writes it (ES6 number-to-string rules, which JavaScript's
 * `String(n)` follows too) — except that Go keeps the sign of negative zero.
 * Callers handle NaN and ±Infinity: Go renders them differently in each context.
 */
export function formatGoFloat(value: number): string {
  return value === 0 && 1 / value < 0 ? '-0' : String(value);
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * A string as a JSON string literal the way Go's encoding/json writes it with HTML escaping
 * off (pdata's setting): like JSON.stringify, plus U+2028 and U+2029 escaped, which Go always
 * does, and `\ufffd` for each byte that is not UTF-8 (escaped bytes, see rawBytes.ts). Other
 * lone surrogates cannot exist in Go strings; Go would have decoded them to U+FFFD.
 */
export function quoteGoJsonString(value: string): string {
  const quoted = value.isWellFormed() ? JSON.stringify(value) : quoteWithBadBytes(value);
  if (!quoted.includes('\u2028') && !quoted.includes('\u2029')) return quoted;
  return quoted.replace(LINE_SEPARATORS, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
}

function quoteWithBadBytes(value: string): string {
  const parts = value.split(ESCAPED_BYTE);
  let out = '"';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 1 ? '\\ufffd' : JSON.stringify(parts[i]!.toWellFormed()).slice(1, -1);
  return out + '"';
}

/**
 * Orders strings by their UTF-8 bytes, as Go's string comparison does (encoding/json sorts map
 * keys that way, and so does the exporter's ordered map). UTF-16 order differs only where a
 * surrogate pair (a code point above U+FFFF) meets a unit in U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A byte that is not UTF-8 (rawBytes.ts) compares as that byte: compare the bytes.
    if (isEscapedByte(a, i) || isEscapedByte(b, i)) return Buffer.compare(bytesOf(a), bytesOf(b));
    const xIsSurrogate = x >= 0xd800 && x <= 0xdfff;
    const yIsSurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xIsSurrogate && !yIsSurrogate && y >= 0xe000) return 1;
    if (yIsSurrogate && !xIsSurrogate && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

function isEscapedByte(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit < 0xdc80 || unit > 0xdcff) return false;
  const before = i > 0 ? text.charCodeAt(i - 1) : 0;
  return before < 0xd800 || before > 0xdbff;
}

function bytesOf(text: string): Buffer {
  const buffer = Buffer.allocUnsafe(text.length * 3);
  return buffer.subarray(0, writeKeepingBytes(text, buffer, 0));
}
