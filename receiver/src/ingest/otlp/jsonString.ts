import { ESCAPED_BYTE } from './rawBytes.ts';

/**
 * Text with nothing JSON.stringify would escape: no control characters, quotes, backslashes
 * or UTF-16 surrogates (a lone surrogate is escaped; pairs are left to JSON.stringify too).
 * Without the `u` flag the class matches single UTF-16 code units.
 */
// eslint-disable-next-line no-control-regex -- matching the control characters JSON escapes is this expression's purpose
const PLAIN_TEXT = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/**
 * A string as a JSON string literal, exactly as `JSON.stringify(value)` writes it (the
 * JSONCompactEachRow encoding of our rows) — except for bytes that were not UTF-8 in a
 * protobuf request, which are left unescaped (see rawBytes.ts). Plain text — nearly every value — is quoted
 * without calling JSON.stringify, which costs about twice the regular expression test.
 */
export function jsonString(value: string): string {
  if (PLAIN_TEXT.test(value)) return `"${value}"`;
  if (value.isWellFormed()) return JSON.stringify(value);
  // Escaped bytes (rawBytes.ts) stay as they are, for the payload to write them as bytes.
  const parts = value.split(ESCAPED_BYTE);
  let out = '"';
  for (let i = 0; i < parts.length; i++) out += i % 2 === 1 ? parts[i] : JSON.stringify(parts[i]).slice(1, -1);
  return out + '"';
}
