/**
 * Text with nothing JSON.stringify would escape: no control characters, quotes, backslashes
 * or UTF-16 surrogates (a lone surrogate is escaped; pairs are left to JSON.stringify too).
 * Without the `u` flag the class matches single UTF-16 code units.
 */
// eslint-disable-next-line no-control-regex -- matching the control characters JSON escapes is this expression's purpose
const PLAIN_TEXT = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/**
 * A string as a JSON string literal, exactly as `JSON.stringify(value)` writes it (the
 * JSONCompactEachRow encoding of our rows). Plain text — nearly every value — is quoted
 * without calling JSON.stringify, which costs about twice the regular expression test.
 */
export function jsonString(value: string): string {
  return PLAIN_TEXT.test(value) ? `"${value}"` : JSON.stringify(value);
}
