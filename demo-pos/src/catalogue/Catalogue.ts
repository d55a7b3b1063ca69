import { PosError, type FailureContext } from '../errors.ts';
import type { Product } from './Product.ts';

/** Read access to the products, and the one place that turns a product into a price. */
export class Catalogue {
  readonly #products: ReadonlyMap<number, Product>;

  constructor(products: readonly Product[]) {
    this.#products = new Map(products.map((product) => [product.id, product]));
  }

  list(): Product[] {
    return [...this.#products.values()];
  }

  /** The product, or PRODUCT_NOT_FOUND naming the id the order asked for. */
  get(productId: number, context: FailureContext = {}): Product {
    const product = this.#products.get(productId);
    if (!product) {
      throw new PosError('PRODUCT_NOT_FOUND', `Product ${productId} does not exist in the catalogue`, {
        ...context,
        productId,
      });
    }
    return product;
  }

  /** The unit price, or MISSING_PRICE: an order must never be totalled with a guessed price. */
  priceOf(product: Product, context: FailureContext = {}): number {
    if (product.priceCents === undefined) {
      throw new PosError('MISSING_PRICE', `Product ${product.id} (${product.name}) has no price`, {
        ...context,
        productId: product.id,
      });
    }
    return product.priceCents;
  }
}
