/**
 * Masks the parts of a message that change from one occurrence of an error to the next, each
 * by a placeholder naming what it was, before the template miner sees the message. One
 * left-to-right pass; at each position the first kind that matches wins:
 *
 * | kind | example | becomes |
 * |---|---|---|
 * | URL (any scheme) | `https://api.example.com/v1/x?id=7` | `<url>` |
 * | e-mail address | `jane.doe@example.com` | `<email>` |
 * | UUID, any case | `3f0c8e2a-…-…` | `<uuid>` |
 * | IPv6 (with `::` or all 8 groups), optional `[…]:port` | `fe80::1`, `[::1]:8080` | `<ip>` |
 * | IPv4, optional `:port` | `10.251.73.220:50010` | `<ip>` |
 * | path of 2+ segments (Unix, or Windows with a drive) | `/var/log/app.log`, `C:\Temp\x` | `<path>` |
 * | host name ending in a common top-level domain | `db-3.eu.internal`, `mail.example.com` | `<host>` |
 * | `0x` literal, or a run of 8+ hex characters with a letter | `0x1F`, `deadbeef42` | `<hex>` |
 * | any word holding a digit: numbers (signed, decimal), ids mixing letters and digits (ULID, base-32/36/62, nanoid, `ch_3Mt…`, `blk_-69…`, `STORE_001`), versions | `-12.5`, `ORD-7Q2K9X1B`, `01J9Z…` | `<num>` when only a number, else `<id>` |
 *
 * Words without a digit (user names, a nanoid that happens to hold none) are left to the
 * miner, which turns a position into `<*>` once it varies. Letters elsewhere and quoted text
 * are kept: they are what tells one error from another.
 *
 * Input beyond MAX_MASKED_LENGTH characters is cut first: it bounds the cost of a huge body,
 * and two occurrences of one error are cut at the same place.
 */
export function maskMessage(text: string): string {
  const bounded = text.length > MAX_MASKED_LENGTH ? text.slice(0, MAX_MASKED_LENGTH) : text;
  return bounded.replace(VARIABLE, replacement);
}

/** Characters of a message that are masked and mined; the rest is ignored. */
export const MAX_MASKED_LENGTH = 2048;

/** The placeholders maskMessage writes; the miner writes `<*>` for a position that varies. */
export const PLACEHOLDERS = ['<url>', '<email>', '<uuid>', '<ip>', '<path>', '<host>', '<hex>', '<num>', '<id>'] as const;

const TLDS = 'com|net|org|io|edu|gov|mil|int|info|biz|dev|app|cloud|local|localdomain|internal|lan|corp|home|arpa|svc|cluster';

/** Not inside a word: what may stand before a masked value. */
const START = '(?<![A-Za-z0-9_])';
/** Nor after it. */
const END = '(?![A-Za-z0-9_])';
const H4 = '[0-9A-Fa-f]{1,4}';

const VARIABLE = new RegExp(
  // Nothing masked starts inside a word: one look back turns away most positions at once.
  '(?<![A-Za-z0-9_])(?:' +
    [
      // 1 URL
      `(${START}[A-Za-z][A-Za-z0-9+.-]*://[^\\s"'<>()\\[\\]{}]+)`,
      // 2 e-mail
      `(${START}[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}${END})`,
      // 3 UUID
      `(${START}[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}${END})`,
      // 4 IPv6: bracketed with an optional port, with a '::', or all eight groups
      `(\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\](?::\\d+)?|${START}(?:(?:${H4}:){7}${H4}|(?:${H4}:){1,6}:(?:${H4}(?::${H4}){0,5})?|::(?:${H4}(?::${H4}){0,6})?)${END}(?:%[A-Za-z0-9]+)?)`,
      // 5 IPv4 with an optional port
      `(${START}(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?${END})`,
      // 6 path: two or more segments, or a Windows drive
      `((?<![A-Za-z0-9_./\\\\])(?:[A-Za-z]:\\\\[^\\s"'<>|:*?]+|~?(?:/[A-Za-z0-9_.@%+~-]+){2,}/?))`,
      // 7 host name ending in a common top-level domain
      `(${START}(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+(?:${TLDS})${END}(?::\\d{1,5}${END})?)`,
      // 8 hex: 0x literal, or 8+ hex characters with a letter and a digit
      `(${START}(?:0[xX][0-9A-Fa-f]+|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*\\d)[0-9A-Fa-f]{8,})${END})`,
      // 9 any word holding a digit (a number, signed or decimal, or an id), with its '-' and '.' joined parts
      `((?:(?<![A-Za-z0-9_.-])[-+](?=\\d))?${START}(?=[A-Za-z0-9_.-]*\\d)[A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*${END})`,
    ].join('|') +
    ')',
  'g',
);

const NAMES = ['<url>', '<email>', '<uuid>', '<ip>', '<ip>', '<path>', '<host>', '<hex>'] as const;
const NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

function replacement(match: string, ...groups: unknown[]): string {
  for (let index = 0; index < NAMES.length; index += 1) {
    if (groups[index] !== undefined) return NAMES[index] ?? match;
  }
  return NUMBER.test(match) ? '<num>' : '<id>';
}
