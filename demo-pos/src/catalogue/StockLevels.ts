import { PosError, type FailureContext } from '../errors.ts';
import type { Product } from './Product.ts';

export interface StockLevelsOptions {
  /** Milliseconds since the epoch; injectable so tests can move time. */
  clock?: () => number;
  /**
   * Every this many milliseconds the shelves are topped back up to capacity, so a long demo
   * run keeps producing good orders instead of drifting into permanent shortages.
   */
  restockIntervalMs?: number;
}

export interface StockLine {
  productId: number;
  quantity: number;
}

/** Units on the shelf per product, shared by all stores of the demo chain. */
export class StockLevels {
  readonly #capacity: ReadonlyMap<number, number>;
  readonly #onShelf = new Map<number, number>();
  readonly #clock: () => number;
  readonly #restockIntervalMs: number;
  #lastRestock: number;

  constructor(products: readonly Product[], options: StockLevelsOptions = {}) {
    this.#capacity = new Map(products.map((product) => [product.id, product.shelfCapacity]));
    this.#clock = options.clock ?? Date.now;
    this.#restockIntervalMs = options.restockIntervalMs ?? 60_000;
    this.#lastRestock = this.#clock();
    this.#restockAll();
  }

  available(productId: number): number {
    this.#restockIfDue();
    return this.#onShelf.get(productId) ?? 0;
  }

  /**
   * Takes every line off the shelf, or nothing at all: the first line that cannot be served
   * raises INVENTORY_SHORTAGE and the shelves stay as they were.
   */
  reserve(lines: readonly StockLine[], context: FailureContext = {}): void {
    this.#restockIfDue();
    const wanted = totalsByProduct(lines);
    for (const [productId, quantity] of wanted) {
      const available = this.#onShelf.get(productId) ?? 0;
      if (quantity > available) {
        throw new PosError('INVENTORY_SHORTAGE', `Only ${available} unit(s) of product ${productId} in stock, ${quantity} requested`, {
          ...context,
          productId,
        });
      }
    }
    for (const [productId, quantity] of wanted) this.#adjust(productId, -quantity);
  }

  /** Puts reserved units back, e.g. when the payment for them failed. */
  release(lines: readonly StockLine[]): void {
    for (const [productId, quantity] of totalsByProduct(lines)) {
      const capacity = this.#capacity.get(productId) ?? 0;
      this.#onShelf.set(productId, Math.min(capacity, (this.#onShelf.get(productId) ?? 0) + quantity));
    }
  }

  #adjust(productId: number, delta: number): void {
    this.#onShelf.set(productId, (this.#onShelf.get(productId) ?? 0) + delta);
  }

  #restockIfDue(): void {
    const now = this.#clock();
    if (now - this.#lastRestock < this.#restockIntervalMs) return;
    this.#lastRestock = now;
    this.#restockAll();
  }

  #restockAll(): void {
    for (const [productId, capacity] of this.#capacity) this.#onShelf.set(productId, capacity);
  }
}

/** The same product may appear on several lines; the shelf only cares about the sum. */
function totalsByProduct(lines: readonly StockLine[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return totals;
}
