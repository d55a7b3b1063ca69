/*
 * Protobuf strings that are not valid UTF-8, kept as the Collector keeps them.
 *
 * Go strings are bytes: pdata decodes a protobuf string without checking it, and the
 * clickhouseexporter hands those bytes to ClickHouse as they came (Body, attribute keys and
 * values, every String column), while Go's encoding/json — which renders maps and arrays —
 * writes `\ufffd` for each byte that is not part of a valid UTF-8 sequence.
 *
 * JavaScript strings cannot hold such bytes, so each one travels as a lone low surrogate,
 * U+DC80–U+DCFF for the bytes 0x80–0xFF (as Python's `surrogateescape` does). Valid UTF-8
 * never decodes to a lone surrogate, so the escape is unambiguous; the insert payload writes
 * it back as the byte, the JSON rendering of structured values as `\ufffd`.
 */

/** A lone U+DC80–U+DCFF: an escaped byte (not the second half of a surrogate pair). Split with it to keep the byte. */
export const ESCAPED_BYTE = /((?<![\ud800-\udbff])[\udc80-\udcff])/;

const ESCAPE_BASE = 0xdc00;

/**
 * The bytes as text, each byte that is not part of a valid UTF-8 sequence escaped, by the
 * rules of Go's unicode/utf8 (no overlong forms, no surrogates, nothing above U+10FFFF; an
 * invalid or incomplete sequence is one bad byte, and decoding goes on at the next byte).
 */
export function decodeUtf8KeepingBytes(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const first = bytes[i]!;
    const size = sequenceLength(bytes, i, end);
    if (size === 0) {
      units.push(first < 0x80 ? first : ESCAPE_BASE + first);
      i += 1;
      continue;
    }
    let codePoint = size === 2 ? first & 0x1f : size === 3 ? first & 0x0f : first & 0x07;
    for (let k = 1; k < size; k++) codePoint = (codePoint << 6) | (bytes[i + k]! & 0x3f);
    if (codePoint > 0xffff) {
      codePoint -= 0x10000;
      units.push(0xd800 + (codePoint >> 10), 0xdc00 + (codePoint & 0x3ff));
    } else units.push(codePoint);
    i += size;
  }
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  return text;
}

/** The length of the valid multi-byte sequence at `i`, or 0 (ASCII or an invalid byte). */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const first = bytes[i]!;
  const at = (k: number): number => (i + k < end ? bytes[i + k]! : -1);
  const continuation = (k: number, low = 0x80, high = 0xbf): boolean => at(k) >= low && at(k) <= high;
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first === 0xe0) return continuation(1, 0xa0) && continuation(2) ? 3 : 0;
  if (first === 0xed) return continuation(1, 0x80, 0x9f) && continuation(2) ? 3 : 0;
  if (first >= 0xe1 && first <= 0xef) return continuation(1) && continuation(2) ? 3 : 0;
  if (first === 0xf0) return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0;
  if (first === 0xf4) return continuation(1, 0x80, 0x8f) && continuation(2) && continuation(3) ? 4 : 0;
  if (first >= 0xf1 && first <= 0xf3) return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
  return 0;
}

/** Writes text as UTF-8 into `buffer` at `offset`, escaped bytes as the bytes themselves; returns the bytes written. */
export function writeKeepingBytes(text: string, buffer: Buffer, offset: number): number {
  let at = offset;
  const parts = text.split(ESCAPED_BYTE);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) buffer[at++] = part.charCodeAt(0) - ESCAPE_BASE;
    else at += buffer.write(part, at, 'utf8');
  }
  return at - offset;
}
