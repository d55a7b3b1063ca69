import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  serviceName: string;
}

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  const startedAt = Date.now();
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, service: { type: 'string' }, uptimeSeconds: { type: 'number' } },
          },
        },
      },
    },
    async () => ({ status: 'ok', service: options.serviceName, uptimeSeconds: (Date.now() - startedAt) / 1000 }),
  );
};
