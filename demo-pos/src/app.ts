import type { Telemetry } from '@stacklens/telemetry';
import ajvErrors from 'ajv-errors';
import Fastify, { type FastifyInstance } from 'fastify';
import { Catalogue } from './catalogue/Catalogue.ts';
import type { Product } from './catalogue/Product.ts';
import { defaultProducts } from './catalogue/products.ts';
import { StockLevels } from './catalogue/StockLevels.ts';
import { installErrorHandling } from './http/errorHandling.ts';
import { OrderService } from './orders/OrderService.ts';
import { PaymentGateway } from './payment/PaymentGateway.ts';
import { healthRoutes } from './routes/healthRoutes.ts';
import { orderRoutes } from './routes/orderRoutes.ts';
import { productRoutes } from './routes/productRoutes.ts';
import { storeRoutes } from './routes/storeRoutes.ts';
import { webPage } from './routes/webPage.ts';
import type { Store } from './stores/Store.ts';
import { defaultStores } from './stores/stores.ts';
import { StoreDirectory } from './stores/StoreDirectory.ts';
import { installRequestTracing } from './tracing/requestTracing.ts';

export const SERVICE_NAME = 'demo-pos';

/** The part of @stacklens/telemetry the POS uses; tests may hand in their own. */
export type PosTelemetry = Pick<Telemetry, 'logger' | 'tracer'>;

export interface BuildAppOptions {
  telemetry: PosTelemetry;
  /** Share of card payments the gateway fails at random, 0 to 1. Default 0. */
  paymentFailureRate?: number;
  /** Uniform in [0, 1), for the gateway's dice. Default Math.random. */
  random?: () => number;
  /** Milliseconds since the epoch, for order times and restocking. Default Date.now. */
  clock?: () => number;
  /** How often the shelves are topped up, in milliseconds. Default 60 000. */
  restockIntervalMs?: number;
  products?: readonly Product[];
  stores?: readonly Store[];
  /** Order id factory; default `ORD-<uuid>`. */
  newOrderId?: () => string;
}

/** The POS as a Fastify instance, not yet listening: `inject` it in tests, `listen` it in main. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { telemetry } = options;
  const products = options.products ?? defaultProducts;
  const catalogue = new Catalogue(products);
  const stock = new StockLevels(products, { clock: options.clock, restockIntervalMs: options.restockIntervalMs });
  const stores = new StoreDirectory(options.stores ?? defaultStores);
  const gateway = new PaymentGateway({ failureRate: options.paymentFailureRate, random: options.random });
  const orders = new OrderService({
    catalogue,
    stock,
    stores,
    gateway,
    clock: options.clock,
    newOrderId: options.newOrderId,
  });

  // The telemetry logger is the POS's log; Fastify's own pino logger would only duplicate it.
  // ajv-errors: a schema's `errorMessage` says in words what a `pattern` means, instead of the
  // regular expression (it needs allErrors to see every failure of a property). A CommonJS
  // module: under Node's ESM its plugin function is the namespace's `default`.
  const app = Fastify({ logger: false, ajv: { customOptions: { allErrors: true }, plugins: [(ajv) => ajvErrors.default(ajv)] } });
  installRequestTracing(app, telemetry.tracer);
  installErrorHandling(app, telemetry.logger);
  await app.register(healthRoutes, { serviceName: SERVICE_NAME });
  await app.register(productRoutes, { catalogue, stock });
  await app.register(storeRoutes, { stores });
  await app.register(orderRoutes, { orders, logger: telemetry.logger });
  await app.register(webPage);
  return app;
}
