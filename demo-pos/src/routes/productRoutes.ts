import type { FastifyPluginAsync } from 'fastify';
import type { Catalogue } from '../catalogue/Catalogue.ts';
import type { StockLevels } from '../catalogue/StockLevels.ts';
import { errorResponses, productSchema } from './schemas.ts';

export interface ProductRoutesOptions {
  catalogue: Catalogue;
  stock: StockLevels;
}

export const productRoutes: FastifyPluginAsync<ProductRoutesOptions> = async (app, { catalogue, stock }) => {
  app.get('/api/products', { schema: { response: { 200: { type: 'array', items: productSchema }, ...errorResponses } } }, async () =>
    catalogue.list().map((product) => ({
      id: product.id,
      name: product.name,
      category: product.category,
      priceCents: product.priceCents ?? null,
      inStock: stock.available(product.id),
    })),
  );
};
