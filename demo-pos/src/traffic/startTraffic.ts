import type { OrderResult, ProductView, StoreView } from '../client/apiTypes.ts';
import { PosClient, PosUnreachableError } from '../client/PosClient.ts';
import type { OrderRequest } from '../orders/Order.ts';
import { failureScenarios, scenarioNames, type ScenarioName } from '../scenarios/failureScenarios.ts';
import { randomGoodOrder } from './goodOrder.ts';

export interface TrafficOptions {
  /** Base URL of the POS, e.g. http://127.0.0.1:3001. */
  baseUrl: string;
  /** Orders sent per second, steady; default 2. */
  ordersPerSecond?: number;
  /** Share of orders that are one of the five failure scenarios, 0 to 1; default 0.1. */
  failureShare?: number;
  /** Uniform in [0, 1); injectable for reproducible runs. Default Math.random. */
  random?: () => number;
  /** Called after every order with what happened to it. */
  onOrder?: (outcome: TrafficOutcome) => void;
  /** Per-request time-out in milliseconds; default 5000. */
  timeoutMs?: number;
}

export interface TrafficOutcome {
  /** `good` for an everyday order, else the failure scenario it was. */
  kind: 'good' | ScenarioName;
  /** HTTP status, absent when the POS did not answer. */
  status?: number;
  /**
   * `ORDER_PLACED` for a 201, the error code otherwise, `UNREACHABLE` without an answer,
   * `CLIENT_ERROR` when the generator itself could not build or read an order.
   */
  outcome: string;
  orderId?: string;
}

export interface TrafficStats {
  sent: number;
  placed: number;
  failed: number;
  unreachable: number;
  /** Orders per outcome (see TrafficOutcome.outcome). */
  byOutcome: Record<string, number>;
}

export interface TrafficHandle {
  /** Counts so far. */
  stats(): TrafficStats;
  /** Stops sending, waits for the orders in flight, and returns the final counts. */
  stop(): Promise<TrafficStats>;
}

/** Orders still waiting for an answer beyond which ticks are skipped, so a hung POS is not flooded. */
const MAX_IN_FLIGHT = 32;
/** The catalogue snapshot is refreshed every this many orders, to follow stock. */
const REFRESH_EVERY = 25;

/**
 * Sends a steady mix of everyday orders and, for `failureShare` of them, one of the five
 * failure scenarios, through the POS's HTTP API. Starts at once; tolerates a POS that is not
 * up yet (those orders count as unreachable and the catalogue is fetched again).
 */
export function startTraffic(options: TrafficOptions): TrafficHandle {
  const ordersPerSecond = options.ordersPerSecond ?? 2;
  const failureShare = options.failureShare ?? 0.1;
  if (!(ordersPerSecond > 0)) throw new RangeError(`ordersPerSecond must be positive, got ${ordersPerSecond}`);
  if (!(failureShare >= 0 && failureShare <= 1)) {
    throw new RangeError(`failureShare must be between 0 and 1, got ${failureShare}`);
  }
  const random = options.random ?? Math.random;
  const client = new PosClient(options.baseUrl, { timeoutMs: options.timeoutMs });
  const stats: TrafficStats = { sent: 0, placed: 0, failed: 0, unreachable: 0, byOutcome: {} };
  const inFlight = new Set<Promise<void>>();
  let catalogue: Promise<Catalogue> | undefined;

  const record = (outcome: TrafficOutcome): void => {
    stats.byOutcome[outcome.outcome] = (stats.byOutcome[outcome.outcome] ?? 0) + 1;
    if (outcome.outcome === 'ORDER_PLACED') stats.placed++;
    else if (outcome.outcome === 'UNREACHABLE') stats.unreachable++;
    else stats.failed++;
    options.onOrder?.(outcome);
  };

  const sendOne = async (): Promise<void> => {
    const kind = chooseKind(failureShare, random);
    if (stats.sent % REFRESH_EVERY === 0) catalogue = undefined;
    stats.sent++;
    try {
      catalogue ??= loadCatalogue(client);
      const order = buildOrder(kind, await catalogue, random);
      record(describe(kind, await client.placeOrder(order)));
    } catch (error) {
      // Whatever went wrong, the next order starts from a fresh catalogue.
      catalogue = undefined;
      record({ kind, outcome: error instanceof PosUnreachableError ? 'UNREACHABLE' : 'CLIENT_ERROR' });
    }
  };

  const tick = (): void => {
    if (inFlight.size >= MAX_IN_FLIGHT) return;
    const sending = sendOne().finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  };

  const timer = setInterval(tick, 1000 / ordersPerSecond);
  tick();

  return {
    stats: () => structuredClone(stats),
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return structuredClone(stats);
    },
  };
}

interface Catalogue {
  stores: StoreView[];
  products: ProductView[];
}

async function loadCatalogue(client: PosClient): Promise<Catalogue> {
  const [stores, products] = await Promise.all([client.stores(), client.products()]);
  return { stores, products };
}

function chooseKind(failureShare: number, random: () => number): TrafficOutcome['kind'] {
  if (random() >= failureShare) return 'good';
  return scenarioNames[Math.floor(random() * scenarioNames.length)] ?? 'good';
}

function buildOrder(kind: TrafficOutcome['kind'], { stores, products }: Catalogue, random: () => number): OrderRequest {
  if (kind === 'good') return randomGoodOrder(stores, products, random);
  const store = stores[Math.floor(random() * stores.length)];
  return failureScenarios[kind].order(store?.id ?? 'STORE_001');
}

function describe(kind: TrafficOutcome['kind'], result: OrderResult): TrafficOutcome {
  const body = result.body;
  if ('code' in body) return { kind, status: result.status, outcome: body.code, orderId: body.orderId };
  return { kind, status: result.status, outcome: 'ORDER_PLACED', orderId: body.orderId };
}
