import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { StoreReadError } from '../store/StoreReadError.ts';
import { ApiError } from './ApiError.ts';

/** The body of every API error: `{ statusCode, code, message }` with a stable code. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

export function apiErrorBody(error: ApiError): ApiErrorBody {
  return { statusCode: error.statusCode, code: error.code, message: error.message };
}

/**
 * Maps whatever a route threw to a stable error body: schema validation to
 * VALIDATION_FAILED naming the field, store failures to STORE_UNAVAILABLE,
 * Fastify's own client errors (bad JSON, too large, wrong content type) to their codes,
 * and anything else to INTERNAL without its details.
 */
export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) request.log.error({ err: error }, 'API request failed');
  return reply.code(apiError.statusCode).send(apiErrorBody(apiError));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return new ApiError('VALIDATION_FAILED', validationMessage(error.validationContext, error.validation));
  if (error instanceof StoreReadError) return new ApiError('STORE_UNAVAILABLE', 'the incident store is unavailable');
  const status = error.statusCode ?? 500;
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', error.message);
  if (status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', error.message);
  if (status >= 400 && status < 500) return new ApiError('VALIDATION_FAILED', error.message);
  return new ApiError('INTERNAL', 'the request failed; see the receiver log');
}

/**
 * `querystring.limit must be <= 500`, `body.note is not a known property`, `body.projectKey must
 * be a Jira project key…` (a schema's errorMessage, through ajv-errors). A pattern without one is
 * never shown as its regular expression: people read these.
 */
function validationMessage(context: string | undefined, errors: FastifySchemaValidationError[]): string {
  const said = new Set<string>();
  return (
    errors
      .map((error) => {
        const path = [context ?? 'request', ...error.instancePath.split('/').filter(Boolean)].join('.');
        const params = error.params as { additionalProperty?: unknown; missingProperty?: unknown };
        if (typeof params.additionalProperty === 'string') return `${path}.${params.additionalProperty} is not a known property`;
        if (typeof params.missingProperty === 'string') return `${path}.${params.missingProperty} is required`;
        if (error.keyword === 'pattern') return `${path} is not in the expected format (see the OpenAPI document, /api/docs/json)`;
        return `${path} ${error.message ?? 'is invalid'}`;
      })
      // allErrors may report one mistake twice (e.g. anyOf branches): say each once.
      .filter((message) => !said.has(message) && said.add(message))
      .join('; ')
  );
}
