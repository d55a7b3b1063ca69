import type { ProductView, StoreView } from '../client/apiTypes.ts';
import type { OrderRequest } from '../orders/Order.ts';
import { TestCards } from '../payment/PaymentGateway.ts';

/** Share of good orders paid by card; the rest are cash sales. */
const CARD_SHARE = 0.6;

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('Cannot pick from an empty list');
  return item;
}

/**
 * An everyday order: a real store and one of its kiosks, one to three priced products with
 * stock, a few units each. It can still fail for real (a shelf emptied meanwhile, a flaky
 * gateway), which is what a live demo should show.
 */
export function randomGoodOrder(stores: readonly StoreView[], products: readonly ProductView[], random: () => number): OrderRequest {
  const store = pick(stores, random);
  const sellable = products.filter((product) => product.priceCents !== null && product.inStock > 0);
  const lineCount = 1 + Math.floor(random() * 3);
  const chosen = new Map<number, number>();
  for (let line = 0; line < lineCount; line++) {
    const product = pick(sellable, random);
    chosen.set(product.id, 1 + Math.floor(random() * 3));
  }
  const order: OrderRequest = {
    storeId: store.id,
    kioskId: pick(store.kiosks, random),
    items: [...chosen].map(([productId, quantity]) => ({ productId, quantity })),
  };
  if (random() < CARD_SHARE) order.payment = { cardNumber: TestCards.APPROVED };
  return order;
}
