import { isIPv6 } from 'node:net';

/**
 * Redaction of what must not leave for a model: card numbers, e-mail addresses, bearer
 * tokens, API keys and other credentials, IP addresses. Each is replaced by a marker that
 * says what was there, so the model can still reason about "a card number" or "an address".
 */

export const REDACTED = {
  card: '[REDACTED_CARD]',
  email: '[REDACTED_EMAIL]',
  token: '[REDACTED_TOKEN]',
  secret: '[REDACTED_SECRET]',
  ip: '[REDACTED_IP]',
} as const;

/** How many values of each kind a text lost (for the audit detail). */
export type RedactionCounts = Record<keyof typeof REDACTED, number>;

export function emptyCounts(): RedactionCounts {
  return { card: 0, email: 0, token: 0, secret: 0, ip: 0 };
}

// Credentials come first: they may contain digits, dots and @ that the later patterns would split.
const BEARER = /\b(Bearer|Basic|Token)\s{1,8}[A-Za-z0-9._~+/=-]{8,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Well-known key shapes: OpenAI and Anthropic (sk-…), AWS access keys, GitHub, Slack, Google, Stripe-like. */
const KEY_SHAPES =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{30,}|(?:rk|pk)_(?:live|test)_[A-Za-z0-9]{16,})\b/g;
/** `api_key=…`, `"password": "…"`, `token: …` and the like: the name stays, the value goes. */
const NAMED_SECRET =
  /\b((?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|key)["']?\s{0,8}[:=]\s{0,8}["']?)([^\s"'&,;}]{4,})/gi;
// Every quantifier is bounded (RFC 5321 lengths): an unbounded one rescans a long value from every position.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
/** 13–19 digits, optionally grouped by single spaces or dashes (as cards are printed and typed). */
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b/g;
/** Anything that could be an IPv6 address; `isIPv6` decides (so times like 12:30:45 stay). */
const IPV6_CANDIDATE = /(?<![A-Za-z0-9:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[A-Za-z0-9]+)?(?![A-Za-z0-9:])/g;

/** The Luhn checksum every payment card number satisfies (and most other digit runs do not). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** The text with every sensitive value replaced; `counts` (when given) tallies what went. */
export function redact(text: string, counts: RedactionCounts = emptyCounts()): string {
  if (text === '') return text;
  let out = text.replace(BEARER, (_match, scheme: string) => {
    counts.token++;
    return `${scheme} ${REDACTED.token}`;
  });
  out = out.replace(JWT, () => {
    counts.token++;
    return REDACTED.token;
  });
  out = out.replace(KEY_SHAPES, () => {
    counts.secret++;
    return REDACTED.secret;
  });
  out = out.replace(NAMED_SECRET, (match, name: string, value: string) => {
    if (value.startsWith('[REDACTED_')) return match;
    counts.secret++;
    return `${name}${REDACTED.secret}`;
  });
  out = out.replace(EMAIL, () => {
    counts.email++;
    return REDACTED.email;
  });
  out = out.replace(CARD_CANDIDATE, (match) => {
    if (!passesLuhn(match.replace(/[ -]/g, ''))) return match;
    counts.card++;
    return REDACTED.card;
  });
  out = out.replace(IPV4, () => {
    counts.ip++;
    return REDACTED.ip;
  });
  return out.replace(IPV6_CANDIDATE, (match) => {
    if (!isIPv6(match.replace(/%.*$/, ''))) return match;
    counts.ip++;
    return REDACTED.ip;
  });
}

/** Total of the counts, for a one-line audit detail. */
export function totalRedacted(counts: RedactionCounts): number {
  return counts.card + counts.email + counts.token + counts.secret + counts.ip;
}
