import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The OTel context holding this request's server span; null until onRequest ran. */
    traceContext: Context | null;
  }
}

/**
 * One server span per request, continuing the caller's W3C trace when it sends one. The span
 * lives in `request.traceContext` rather than in an ambient context because Fastify's hooks
 * cannot wrap the rest of the request lifecycle; code that logs runs inside `inRequestContext`.
 */
export function installRequestTracing(app: FastifyInstance, tracer: Tracer): void {
  app.decorateRequest('traceContext', null);

  app.addHook('onRequest', async (request) => {
    // The global propagator (W3C trace context, registered by @stacklens/telemetry) reads
    // `traceparent`; without that header the span starts a new trace.
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url },
      },
      parent,
    );
    request.traceContext = trace.setSpan(parent, span);
  });

  app.addHook('onResponse', async (request, reply) => {
    const span = spanOf(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    // Per the HTTP semantic conventions a server span is an error only for 5xx.
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });

  app.addHook('onRequestAbort', async (request) => {
    spanOf(request)?.end();
  });
}

/** Runs `work` with the request's span active, so logs emitted inside carry its trace and span ids. */
export function inRequestContext<T>(request: FastifyRequest, work: () => T): T {
  return context.with(request.traceContext ?? context.active(), work);
}

/** The request's trace id, for clients that want to quote it, or undefined when untraced. */
export function traceIdOf(request: FastifyRequest): string | undefined {
  const spanContext = spanOf(request)?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

function spanOf(request: FastifyRequest) {
  return request.traceContext ? trace.getSpan(request.traceContext) : undefined;
}
