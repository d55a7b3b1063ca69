import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import type { ErrorQueries } from '../incidents/ErrorQueries.ts';
import type { IncidentQueries } from '../incidents/IncidentQueries.ts';
import type { StatsQueries } from '../incidents/StatsQueries.ts';
import { ApiError } from './ApiError.ts';
import { apiErrorBody, apiErrorHandler } from './apiErrorHandler.ts';
import type { ApiTokens } from './apiTokens.ts';
import { authPlugin } from './auth.ts';
import { errorRoutes } from './errorRoutes.ts';
import type { IncidentAnnotations } from '../integrations/Integration.ts';
import { incidentRoutes, type IncidentActions } from './incidentRoutes.ts';
import { addSharedSchemas, BEARER, errorResponses } from './schemas.ts';
import { statsRoutes } from './statsRoutes.ts';

export interface RestApiOptions {
  tokens: Pick<ApiTokens, 'viewer' | 'admin'>;
  incidents: IncidentQueries;
  errors: ErrorQueries;
  stats: StatsQueries;
  actions: IncidentActions;
  /** Analyses and tickets joined to incidents (from the integrations). */
  annotations?: IncidentAnnotations;
  /** More route groups of this API (the live feed): registered inside its scope, so they share auth and docs. */
  extensions?: ReadonlyArray<FastifyPluginAsync>;
}

/**
 * The REST API (register it with prefix `/api`): bearer roles, JSON schemas
 * on every route, stable `{ statusCode, code, message }` errors and the
 * OpenAPI document of all of it at GET /docs/json.
 */
export const restApi: FastifyPluginAsync<RestApiOptions> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'StackLens receiver API',
        version: '0.1.0',
        description:
          'Detected errors, incidents and statistics. Every route, this document included, needs ' +
          '`Authorization: Bearer <token>`: the viewer token reads, the admin token also changes incidents.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The viewer or the admin token.' } },
      },
      security: BEARER,
    },
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(authPlugin, { tokens: options.tokens });
  addSharedSchemas(app);
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(error.statusCode).send(apiErrorBody(error));
  });

  app.get(
    '/docs/json',
    {
      schema: {
        summary: 'This OpenAPI document',
        description: 'Needs the viewer (or admin) token, like every route of the API.',
        tags: ['docs'],
        security: BEARER,
        response: { 200: { description: 'OpenAPI 3.1', type: 'object', additionalProperties: true }, ...errorResponses(401) },
      },
      onRequest: app.requireRole('viewer'),
    },
    async () => app.swagger(),
  );

  await app.register(errorRoutes, { errors: options.errors });
  await app.register(incidentRoutes, { incidents: options.incidents, actions: options.actions, annotations: options.annotations });
  await app.register(statsRoutes, { stats: options.stats });
  for (const extension of options.extensions ?? []) await app.register(extension);
};
