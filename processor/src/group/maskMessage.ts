/**
 * Masks the parts of an error message that change from one occurrence to the next, so that
 * the same error with other ids is one incident. Applied in one left-to-right pass, the first
 * rule that matches at a position winning:
 *
 * 1. e-mail addresses → `<email>` (`jane.doe@example.com`)
 * 2. UUIDs → `<uuid>` (`ORD-3f0c…-…` → `ORD-<uuid>`), any case
 * 3. hex runs of 8 or more characters holding at least one letter a–f, or any `0x…` literal →
 *    `<hex>` (trace ids, hashes, `AUTH-1A2B3C4D`); a run must stand alone, bounded by
 *    characters other than letters and digits
 * 4. numbers → `<n>`, also inside identifiers and with decimals or dots
 *    (`STORE_001` → `STORE_<n>`, `ORD-42` → `ORD-<n>`, `3.14` → `<n>`, `10.0.0.1` → `<n>`)
 *
 * Everything else is kept as it is, quoted strings included: `reading 'price'` stays, since
 * the quoted name is usually what tells one error from another (ids inside quotes are still
 * masked by the rules above). Letters are never touched, so a product name stays in the text.
 *
 * Input beyond MAX_MASKED_LENGTH characters is cut first: it bounds the cost of a huge body,
 * and two occurrences of one error are cut at the same place.
 */
export function maskMessage(text: string): string {
  const bounded = text.length > MAX_MASKED_LENGTH ? text.slice(0, MAX_MASKED_LENGTH) : text;
  // The e-mail pattern is the only one that backtracks over long runs; most messages have no '@'.
  const withoutEmails = bounded.includes('@') ? bounded.replace(EMAIL, '<email>') : bounded;
  return withoutEmails.replace(VARIABLE_PART, replacement);
}

/** Characters of a message that are masked and fingerprinted; the rest is ignored. */
export const MAX_MASKED_LENGTH = 2048;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const VARIABLE_PART = new RegExp(
  [
    // 1: UUID
    '([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})',
    // 2: a standalone hex run (0x literal, or ≥ 8 hex characters with a letter among them)
    '((?<![0-9A-Za-z])(?:0[xX][0-9A-Fa-f]+|(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,})(?![0-9A-Za-z]))',
    // 3: a number, with decimals or dotted parts
    '(\\d+(?:\\.\\d+)*)',
  ].join('|'),
  'g',
);

function replacement(_match: string, uuid: string | undefined, hex: string | undefined): string {
  if (uuid !== undefined) return '<uuid>';
  if (hex !== undefined) return '<hex>';
  return '<n>';
}
