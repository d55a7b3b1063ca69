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
 * | date, ISO or written out, with its time if any | `2016-09-28T04:30:30Z`, `Fri Dec 10 19:02:14 EST 2004` | `<date>` |
 * | size: a number with a unit of bytes, and a size in parentheses restating it | `1,216 bytes (1.1 KB)`, `512MiB` | `<size>` |
 * | duration: a number with a unit of time, maybe a bound before it | `<1 sec`, `3.14 s`, `250ms` | `<duration>` |
 * | clock time or duration in `h:mm[:ss[.fff]]` | `04:30:30.123`, `00:17` | `<time>` |
 * | number with thousands separators | `1,216` | `<num>` |
 * | any word holding a digit: numbers (signed, decimal), ids mixing letters and digits (ULID, base-32/36/62, nanoid, `ch_3Mt…`, `blk_-69…`, `STORE_001`), versions | `-12.5`, `ORD-7Q2K9X1B`, `01J9Z…` | `<num>` when only a number, else `<id>` |
 *
 * Words without a digit (user names, a nanoid that happens to hold none) are left to the
 * miner, which turns a position into `<*>` once it varies. Letters elsewhere and quoted text
 * are kept: they are what tells one error from another.
 *
 * Input beyond MAX_MASKED_LENGTH characters is cut first, at the white space before the word
 * the limit falls in: it bounds the cost of a huge body, and two occurrences of one error are
 * cut at the same place.
 */
export function maskMessage(text: string): string {
  const bounded = text.length > MAX_MASKED_LENGTH ? cut(text) : text;
  return bounded.replace(VARIABLE, replacement);
}

/** The text up to MAX_MASKED_LENGTH, without a last word cut in two (`blk_-` of `blk_-5471…` is no id). */
function cut(text: string): string {
  const head = text.slice(0, MAX_MASKED_LENGTH);
  if (/\s/.test(text.charAt(MAX_MASKED_LENGTH))) return head;
  const space = head.search(/\s\S*$/);
  return space > 0 ? head.slice(0, space) : head;
}

/** Characters of a message that are masked and mined; the rest is ignored. */
export const MAX_MASKED_LENGTH = 2048;

/** The placeholders maskMessage writes; the miner writes `<*>` for a position that varies. */
export const PLACEHOLDERS = [
  '<url>',
  '<email>',
  '<uuid>',
  '<ip>',
  '<path>',
  '<host>',
  '<hex>',
  '<date>',
  '<size>',
  '<duration>',
  '<time>',
  '<num>',
  '<id>',
] as const;

const TLDS = 'com|net|org|io|edu|gov|mil|int|info|biz|dev|app|cloud|local|localdomain|internal|lan|corp|home|arpa|svc|cluster';

/** Not inside a word: what may stand before a masked value. */
const START = '(?<![A-Za-z0-9_])';
/** Nor after it. */
const END = '(?![A-Za-z0-9_])';
const H4 = '[0-9A-Fa-f]{1,4}';
/** A number, its thousands maybe separated by commas. */
const NUMBER_TEXT = '(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?';
/** A bound before a quantity (`<1 sec`, `>=5 ms`, `~3 KB`). */
const BOUND = '(?:[<>]=?|~)?';
const SIZE_UNIT = '(?:[kKmMgGtTpPeE]i?[Bb]|B|[Bb]ytes?|octets?)';
const TIME_UNIT = '(?:ns|[uµμ]s|ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?)';
/** `h:mm`, `hh:mm:ss`, with a fraction of a second. */
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,9})?';
const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const WEEKDAY = '(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:rs(?:day)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?),?';

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
      // 7 host name ending in a common top-level domain (not a package: `org.example.app.Main`)
      `(${START}(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+(?:${TLDS})${END}(?!\\.[A-Za-z0-9_])(?::\\d{1,5}${END})?)`,
      // 8 hex: 0x literal, or 8+ hex characters with a letter and a digit
      `(${START}(?:0[xX][0-9A-Fa-f]+|(?=[0-9A-Fa-f]*[A-Fa-f])(?=[0-9A-Fa-f]*\\d)[0-9A-Fa-f]{8,})${END})`,
      // 9 date: ISO (with its time and zone if any), or written out (`Fri Dec 10 19:02:14 EST 2004`, `Jul 1 09:00:00`)
      `(${START}(?:\\d{4}([-/.])\\d{1,2}\\10\\d{1,2}(?:[T ]${CLOCK}(?:Z|[+-]\\d{2}:?\\d{2})?)?|(?:${WEEKDAY}\\s+)?${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?(?:\\s+${CLOCK})?(?:\\s+[A-Z]{3,4}\\s+\\d{4}|,?\\s+\\d{4})?)${END})`,
      // 11 a quantity: a clock time, a size (with a restatement in parentheses: `1,216 bytes (1.1 KB)`),
      // a duration, or a number with thousands separators; one alternative, told apart by quantityName
      `((?=[<>~]?\\d)(?<![0-9A-Fa-f]:)${BOUND}(?:${CLOCK}(?![A-Za-z0-9_:])|${NUMBER_TEXT} ?(?:${SIZE_UNIT}${END}(?: ?\\(${BOUND}${NUMBER_TEXT} ?${SIZE_UNIT}\\))?|${TIME_UNIT}${END})|\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?(?![.,]?[A-Za-z0-9_])))`,
      // 12 any word holding a digit (a number, signed or decimal, or an id), with its '-' and '.' joined parts;
      // the digit must be within them (`instruction...0` is a word, then a number)
      `((?:(?<![A-Za-z0-9_.-])[-+](?=\\d))?${START}(?=[A-Za-z_]*(?:[-.][A-Za-z_]+)*[-.]?\\d)[A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*${END})`,
    ].join('|') +
    ')',
  'g',
);

// One name per capturing group, in order; group 10 is the date's separator (a back-reference).
const NAMES = ['<url>', '<email>', '<uuid>', '<ip>', '<ip>', '<path>', '<host>', '<hex>', '<date>', undefined] as const;
const QUANTITY_GROUP = NAMES.length;
const SIZE_END = new RegExp(`${SIZE_UNIT}\\)?$`);
const TIME_END = new RegExp(`${TIME_UNIT}$`);
const NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

function replacement(match: string, ...groups: unknown[]): string {
  for (let index = 0; index < NAMES.length; index += 1) {
    const name = NAMES[index];
    if (name !== undefined && groups[index] !== undefined) return name;
  }
  if (groups[QUANTITY_GROUP] !== undefined) return quantityName(match);
  return NUMBER.test(match) ? '<num>' : '<id>';
}

function quantityName(match: string): string {
  if (match.includes(':')) return '<time>';
  if (SIZE_END.test(match)) return '<size>';
  if (TIME_END.test(match)) return '<duration>';
  return '<num>';
}
