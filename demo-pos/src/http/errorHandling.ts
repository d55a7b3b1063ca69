import type { StackLensLogger } from '@stacklens/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../errors.ts';
import { inRequestContext, traceIdOf } from '../tracing/requestTracing.ts';
import { toFailureResponse, type FailureResponse } from './errorResponses.ts';
import { failureAttributes } from './failureAttributes.ts';

/**
 * The one place a failed request is answered and logged, so every failure is logged exactly
 * once, with the status the client really got, inside the request's span.
 */
export function installErrorHandling(app: FastifyInstance, logger: StackLensLogger): void {
  app.setErrorHandler(async (error, request, reply) => {
    const failure = toFailureResponse(error);
    inRequestContext(request, () => logFailure(logger, failure, error, request));
    const body: ErrorBody = {
      code: failure.code,
      message: failure.message,
      orderId: failure.context.orderId,
      traceId: traceIdOf(request),
    };
    return reply.status(failure.status).send(body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const body: ErrorBody = { code: 'ROUTE_NOT_FOUND', message: `No route for ${request.method} ${request.url}` };
    return reply.status(404).send(body);
  });
}

function logFailure(logger: StackLensLogger, failure: FailureResponse, error: unknown, request: FastifyRequest): void {
  const attributes = failureAttributes(failure, request);
  switch (failure.severity) {
    case 'error':
      return logger.error(failure.message, attributes);
    case 'exception':
      return logger.exception(error, attributes);
    case 'warn':
      return logger.warn(`Rejected request: ${failure.message}`, attributes);
  }
}
