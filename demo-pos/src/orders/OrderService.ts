import { randomUUID } from 'node:crypto';
import type { Catalogue } from '../catalogue/Catalogue.ts';
import type { StockLevels } from '../catalogue/StockLevels.ts';
import { PosError, type FailureContext } from '../errors.ts';
import type { PaymentGateway } from '../payment/PaymentGateway.ts';
import type { StoreDirectory } from '../stores/StoreDirectory.ts';
import type { Order, OrderLine, OrderPayment, OrderRequest } from './Order.ts';

export const CURRENCY = 'USD';

/** What every failure of one order shares. */
interface OrderContext extends FailureContext {
  orderId: string;
  storeId: string;
  kioskId: string;
}

export interface OrderServiceDependencies {
  catalogue: Catalogue;
  stock: StockLevels;
  stores: StoreDirectory;
  gateway: PaymentGateway;
  clock?: () => number;
  newOrderId?: () => string;
}

/**
 * Places an order the way a till does: check where it comes from, price every line, take the
 * goods off the shelf, charge the card. Each step can fail with its own PosError, which
 * carries the order id allocated up front so a failed order can be traced like a good one.
 */
export class OrderService {
  readonly #deps: OrderServiceDependencies;
  readonly #clock: () => number;
  readonly #newOrderId: () => string;

  constructor(deps: OrderServiceDependencies) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#newOrderId = deps.newOrderId ?? (() => `ORD-${randomUUID()}`);
  }

  async place(request: OrderRequest): Promise<Order> {
    const orderId = this.#newOrderId();
    const context: OrderContext = { orderId, storeId: request.storeId, kioskId: request.kioskId };
    this.#deps.stores.resolveKiosk(request.storeId, request.kioskId, context);
    const lines = this.#price(request, context);
    const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
    this.#deps.stock.reserve(lines, context);
    const payment = await this.#pay(request, totalCents, lines, context);
    return {
      orderId,
      storeId: request.storeId,
      kioskId: request.kioskId,
      lines,
      totalCents,
      currency: CURRENCY,
      payment,
      createdAt: new Date(this.#clock()).toISOString(),
    };
  }

  #price(request: OrderRequest, context: OrderContext): OrderLine[] {
    const { catalogue } = this.#deps;
    return request.items.map(({ productId, quantity }) => {
      const product = catalogue.get(productId, context);
      const unitPriceCents = catalogue.priceOf(product, context);
      return { productId, name: product.name, quantity, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
    });
  }

  /** Charges the card; on a decline the reserved goods go back on the shelf. */
  async #pay(request: OrderRequest, amountCents: number, lines: readonly OrderLine[], context: OrderContext): Promise<OrderPayment> {
    if (!request.payment) return { method: 'cash' };
    const result = await this.#deps.gateway
      .charge({ orderId: context.orderId, amountCents, cardNumber: request.payment.cardNumber })
      .catch((error: unknown) => {
        this.#deps.stock.release(lines);
        throw error;
      });
    if (!result.approved) {
      this.#deps.stock.release(lines);
      throw new PosError('PAYMENT_FAILED', `Payment gateway declined the payment: ${result.reason}`, {
        ...context,
        cardLast4: result.cardLast4,
      });
    }
    return { method: 'card', cardLast4: result.cardLast4, authorizationId: result.authorizationId };
  }
}
