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
 * does. Lone surrogates cannot exist in Go strings; Go would have decoded them to U+FFFD.
 */
export function quoteGoJsonString(value: string): string {
  const quoted = JSON.stringify(value.isWellFormed() ? value : value.toWellFormed());
  if (!quoted.includes('\u2028') && !quoted.includes('\u2029')) return quoted;
  return quoted.replace(LINE_SEPARATORS, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
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
    const xIsSurrogate = x >= 0xd800 && x <= 0xdfff;
    const yIsSurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xIsSurrogate && !yIsSurrogate && y >= 0xe000) return 1;
    if (yIsSurrogate && !xIsSurrogate && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}
