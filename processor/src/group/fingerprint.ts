import { hash } from 'node:crypto';

/** What makes two occurrences the same error. */
export interface FingerprintInput {
  service: string;
  errorType: string;
  /** `exception.type`, '' when absent. */
  exceptionType: string;
  /** The message's template (maskMessage, then the template miner); '' when the rule leaves it out. */
  maskedMessage: string;
  /** topStackFrame of the stack, '' when absent. */
  topFrame: string;
  /** The rule's `group.by` attribute values as `name=value`, NUL-separated; '' without (and then not hashed, so older fingerprints stay). */
  groupKey?: string;
}

/**
 * The incident key: the first 16 hex digits (64 bits) of a SHA-256 over the parts, each
 * length-prefixed so that no two different inputs produce the same hashed text.
 *
 * 64 bits are plenty for this purpose: by the birthday bound, the chance that any two of a
 * million distinct errors share a fingerprint is about n²/2⁶⁵ ≈ 3·10⁻⁸, and a collision would
 * merge two incidents, not lose data. The short id reads well in URLs, Jira labels and logs.
 */
export function fingerprint(input: FingerprintInput): string {
  let text = '';
  for (const part of [input.service, input.errorType, input.exceptionType, input.maskedMessage, input.topFrame]) {
    text += `${part.length}:${part}\n`;
  }
  if (input.groupKey !== undefined && input.groupKey !== '') text += `${input.groupKey.length}:${input.groupKey}\n`;
  // The one-shot hash() is several times cheaper than createHash() for inputs this small.
  return hash('sha256', text, 'hex').slice(0, 16);
}
