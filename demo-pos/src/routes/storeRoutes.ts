import type { FastifyPluginAsync } from 'fastify';
import type { StoreDirectory } from '../stores/StoreDirectory.ts';
import { errorResponses, storeSchema } from './schemas.ts';

export interface StoreRoutesOptions {
  stores: StoreDirectory;
}

export const storeRoutes: FastifyPluginAsync<StoreRoutesOptions> = async (app, { stores }) => {
  app.get('/api/stores', { schema: { response: { 200: { type: 'array', items: storeSchema }, ...errorResponses } } }, async () =>
    stores.list(),
  );
};
