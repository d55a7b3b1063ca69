import type { FastifyError } from 'fastify';
import { ErrorCodes, isPosError, type ErrorCode, type FailureContext } from '../errors.ts';

/** How one error is answered and how loudly it is logged. */
export interface FailureResponse {
  code: ErrorCode;
  status: number;
  message: string;
  context: FailureContext;
  /** error: a POS failure; exception: a bug, logged with its stack; warn: the client's mistake. */
  severity: 'error' | 'exception' | 'warn';
}

/** Maps anything a handler or Fastify threw to the one stable code and status the client gets. */
export function toFailureResponse(error: unknown): FailureResponse {
  if (isPosError(error)) {
    return { code: error.code, status: error.status, message: error.message, context: error.context, severity: 'error' };
  }
  if (isFastifyClientError(error)) {
    const code: ErrorCode = error.validation ? 'VALIDATION_ERROR' : 'BAD_REQUEST';
    return { code, status: error.statusCode ?? 400, message: error.message, context: {}, severity: 'warn' };
  }
  return {
    code: 'INTERNAL_ERROR',
    status: ErrorCodes.INTERNAL_ERROR.status,
    message: ErrorCodes.INTERNAL_ERROR.summary,
    context: {},
    severity: 'exception',
  };
}

/** Fastify's own 4xx errors (schema validation, body parsing) are the client's fault, not ours. */
function isFastifyClientError(error: unknown): error is FastifyError {
  if (!(error instanceof Error)) return false;
  const statusCode = (error as Partial<FastifyError>).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}
