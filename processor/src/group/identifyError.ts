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

/**
 * The fingerprint of a detection. The message is the body, or `exception.message` when the
 * body is empty; the stack is `exception.stacktrace`.
 */
export function identifyError(detection: Detection): ErrorIdentity {
  const { record, errorType } = detection;
  const attributes = record.LogAttributes;
  const message = record.Body !== '' ? record.Body : (attributes['exception.message'] ?? '');
  const maskedMessage = maskMessage(message);
  const exceptionType = attributes['exception.type'] ?? '';
  const topFrame = topStackFrame(attributes['exception.stacktrace']);
  return {
    fingerprint: fingerprint({ service: record.ServiceName, errorType, exceptionType, maskedMessage, topFrame }),
    maskedMessage,
    exceptionType,
    topFrame,
  };
}
