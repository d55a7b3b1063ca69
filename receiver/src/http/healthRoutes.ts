import type { FastifyPluginAsync } from 'fastify';
import type { LogStore } from '../store/LogStore.ts';

export interface HealthRouteOptions {
  store: LogStore;
  /** The write queue: its counters, in the shape of the `health` schema's `queue`. */
  queue: { stats(): object };
}

const healthSchema = {
  summary: 'Liveness and store health',
  response: {
    '2xx': { $ref: 'health#' },
    '5xx': { $ref: 'health#' },
  },
} as const;

/** GET /health: 200 when the store answers and its schema is applied, 503 (degraded) otherwise. */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { store, queue }) => {
  app.addSchema({
    $id: 'health',
    type: 'object',
    required: ['status', 'store', 'queue'],
    properties: {
      status: { type: 'string', enum: ['ok', 'degraded'] },
      store: {
        type: 'object',
        properties: { transport: { type: 'string' }, error: { type: 'string' } },
      },
      queue: {
        type: 'object',
        properties: {
          queuedRows: { type: 'integer' },
          queuedBytes: { type: 'integer' },
          writesInFlight: { type: 'integer' },
          rowsWritten: { type: 'integer' },
          batchesWritten: { type: 'integer' },
          failedBatches: { type: 'integer' },
          duplicatesSkipped: { type: 'integer' },
          lastError: { type: 'string' },
        },
      },
    },
  });

  app.get('/health', { schema: healthSchema }, async (_request, reply) => {
    const queueStats = queue.stats();
    try {
      await store.ping();
      const { schemaError } = store;
      if (schemaError) throw new Error(`the schema is not applied yet (retried every few seconds): ${schemaError}`);
      return { status: 'ok', store: { transport: kindOf(store.transport.description) }, queue: queueStats };
    } catch (error) {
      return reply.code(503).send({
        status: 'degraded',
        store: { transport: kindOf(store.transport.description), error: withoutPaths((error as Error).message) },
        queue: queueStats,
      });
    }
  });
};

/*
 * /health answers anyone: it says which kind of store and whether it works, never where the
 * data lives (the embedded engine's folder, a server's address) — those are in the start log.
 */
function kindOf(description: string): string {
  return description.replace(/ (in|at) .*$/s, '');
}

function withoutPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?(?:[\\/][^\s\\/'"]+){2,}[\\/]?/g, '<path>').replace(/\bhttps?:\/\/\S+/g, '<url>');
}
