import type { FastifyInstance } from 'fastify';
import { ApiError } from './ApiError.ts';

/**
 * 405 with `Allow` for a method a path does not take (TRACE, QUERY, DELETE on a read-only
 * route…), instead of the 404 of an unknown path: the OpenAPI document lists each path's
 * methods, and clients (and schemathesis) tell "no such method" from "no such path" by it.
 * Runs on onRequest, before any body is parsed, for requests no route matched.
 */
export function answerMethodNotAllowed(app: FastifyInstance): void {
  const routes: Array<{ pattern: RegExp; method: string }> = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(
      `^${route.url
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
    );
    for (const method of [route.method].flat()) routes.push({ pattern, method: method.toUpperCase() });
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(routes.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method))];
    if (allowed.length === 0) return;
    reply.header('allow', allowed.sort().join(', '));
    throw new ApiError('METHOD_NOT_ALLOWED', `${request.method} is not a method of ${path}: use ${allowed.sort().join(', ')}`);
  });
}
