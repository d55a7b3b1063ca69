import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from './ApiError.ts';
import { apiErrorBody, apiErrorHandler } from './apiErrorHandler.ts';
import type { ApiTokens } from './apiTokens.ts';
import { authPlugin } from './auth.ts';
import { addSharedSchemas, BEARER, errorResponses } from './schemas.ts';
import { answerMethodNotAllowed } from './methodNotAllowed.ts';

export interface RestApiOptions {
  tokens: Pick<ApiTokens, 'viewer' | 'editor' | 'admin'>;
  /** The stages' route groups (incidents, live feed, integrations): registered inside its scope, so they share auth and docs. */
  extensions: ReadonlyArray<FastifyPluginAsync>;
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
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? withOptionalBodies(documentObject.openapiObject as OpenApiDocument)
        : documentObject.swaggerObject,
  });
  await app.register(authPlugin, { tokens: options.tokens });
  addSharedSchemas(app);
  app.setErrorHandler(apiErrorHandler);
  answerMethodNotAllowed(app);
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

  for (const extension of options.extensions) await app.register(extension);
};

interface OpenApiDocument {
  paths?: Record<
    string,
    Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: { type?: unknown } }> } }>
  >;
}

/**
 * @fastify/swagger marks every request body required; a route whose body schema allows null
 * (ack, resolve, a live-feed ticket, a Jira test of the saved settings) takes none, and the
 * document says so.
 */
function withOptionalBodies<T extends OpenApiDocument>(document: T): T {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const schemas = Object.values(operation.requestBody?.content ?? {}).map((media) => media.schema?.type);
      if (schemas.length > 0 && schemas.every((type) => Array.isArray(type) && type.includes('null')))
        operation.requestBody!.required = false;
    }
  }
  return document;
}
