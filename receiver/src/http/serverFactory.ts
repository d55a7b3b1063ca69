import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory, RawServerDefault } from 'fastify';

export interface ServerLimits {
  /** Longest wait for a request's headers, then 408 and the connection closed. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request (headers and body), then 408 and the connection closed. */
  requestTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
}

/** Fastify's own default, kept: longer than the 60 s idle time-out of most load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * The HTTP server with its bounds on slow and many clients. Node checks the header and request
 * time-outs every `connectionsCheckingInterval` (30 s by default, which would let a trickled body
 * live up to 30 s past its time-out); here it is a tenth of the shortest time-out, at most 1 s.
 * Fastify's own `requestTimeout` would not set the headers time-out nor the interval.
 */
export function serverWithLimits(limits: ServerLimits): FastifyServerFactory<RawServerDefault> {
  return (handler) => {
    const server: Server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: Math.max(
          50,
          Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)),
        ),
      },
      handler as (request: IncomingMessage, response: ServerResponse) => void,
    );
    server.maxConnections = limits.maxConnections;
    return server;
  };
}
