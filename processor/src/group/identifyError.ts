import type { Detection } from '../types.ts';
import { fingerprint } from './fingerprint.ts';
import { maskMessage } from './maskMessage.ts';
import { topStackFrame } from './topStackFrame.ts';

/** What the group stage knows about a detection: its fingerprint and the parts behind it. */
export interface ErrorIdentity {
  fingerprint: string;
  maskedMessage: string;
  exceptionType: string;
  topFrame: string;
}

/** Raw inputs up to this length are remembered: a storm usually repeats one message verbatim. */
const MAX_CACHED_KEY_LENGTH = 1024;
const MAX_CACHED_IDENTITIES = 10_000;
const cache = new Map<string, ErrorIdentity>();

/**
 * The fingerprint of a detection. The message is the body, or `exception.message` when the
 * body is empty; the stack is `exception.stacktrace`.
 *
 * Masking and hashing cost about a microsecond each; identical raw inputs (the same message
 * in a storm) are answered from a small cache, emptied whole when full.
 */
export function identifyError(detection: Detection): ErrorIdentity {
  const { record, errorType } = detection;
  const attributes = record.LogAttributes;
  const message = record.Body !== '' ? record.Body : (attributes['exception.message'] ?? '');
  const exceptionType = attributes['exception.type'] ?? '';
  const stack = attributes['exception.stacktrace'] ?? '';
  const key = `${record.ServiceName}\u0000${errorType}\u0000${exceptionType}\u0000${message}\u0000${stack}`;
  const cacheable = key.length <= MAX_CACHED_KEY_LENGTH;
  if (cacheable) {
    const known = cache.get(key);
    if (known !== undefined) return known;
  }
  const maskedMessage = maskMessage(message);
  const topFrame = topStackFrame(stack);
  const identity: ErrorIdentity = {
    fingerprint: fingerprint({ service: record.ServiceName, errorType, exceptionType, maskedMessage, topFrame }),
    maskedMessage,
    exceptionType,
    topFrame,
  };
  if (cacheable) {
    if (cache.size >= MAX_CACHED_IDENTITIES) cache.clear();
    cache.set(key, identity);
  }
  return identity;
}
