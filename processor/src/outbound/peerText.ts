import { redact } from '../enrich/redact.ts';

/** How much of a peer's own words (an error body, a refusal) reaches a response, the audit trail or an analysis. */
export const MAX_PEER_TEXT = 300;

/**
 * A peer's text made fit to show: markup and runs of white space collapsed, credentials,
 * e-mail and IP addresses and card numbers redacted, then cut. A peer at an admin-set URL
 * may be anything — an internal service answering with its secrets — so what it says is
 * treated as untrusted before anyone sees it.
 */
export function peerText(text: string, max = MAX_PEER_TEXT): string {
  const clean = redact(
    text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
