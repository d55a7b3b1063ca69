import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ReceiverConfig } from './config.ts';
import { WriteQueue } from './ingest/WriteQueue.ts';
import { healthRoutes } from './routes/health.ts';
import { otlpLogsRoutes } from './routes/otlpLogs.ts';
import { openLogStore, type LogStore } from './store/LogStore.ts';

export interface Receiver {
  app: FastifyInstance;
  store: LogStore;
  queue: WriteQueue;
  /** Stops taking requests, stores what was accepted, then closes the store. */
  close(): Promise<void>;
}

export interface ReceiverOptions {
  logger?: FastifyServerOptions['logger'];
  /** An already open store (tests and benchmarks share one per process). */
  store?: LogStore;
}

/** Builds the receiver: store, write queue and HTTP routes. Call `app.listen` to serve. */
export async function createReceiver(config: ReceiverConfig, options: ReceiverOptions = {}): Promise<Receiver> {
  const store = options.store ?? (await openLogStore(config.store));
  const queue = new WriteQueue((payload, token) => store.insertLogs(payload, token), {
    maxQueuedRows: config.maxQueuedRows,
    maxBatchRows: config.maxBatchRows,
    maxConcurrentWrites: config.maxConcurrentInserts,
  });
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: config.maxBodyBytes });
  await app.register(healthRoutes, { store, queue });
  await app.register(otlpLogsRoutes, {
    queue,
    maxBodyBytes: config.maxBodyBytes,
    retryAfterSeconds: config.retryAfterSeconds,
    ingestToken: config.ingestToken,
  });
  return {
    app,
    store,
    queue,
    async close() {
      await closeServer(app);
      await queue.close();
      if (!options.store) await store.close();
    },
  };
}

/**
 * Waits for the requests in flight to be answered. Connections that turn idle
 * after the close began would otherwise hold it open for the whole keep-alive
 * timeout, so they are swept as they free up.
 */
async function closeServer(app: FastifyInstance): Promise<void> {
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweeper);
  }
}
