import type { ErrorBody } from '../errors.ts';
import type { Order } from '../orders/Order.ts';

/** A product as GET /api/products shows it. */
export interface ProductView {
  id: number;
  name: string;
  category: string;
  /** null when the catalogue has no price for it. */
  priceCents: number | null;
  inStock: number;
}

/** A store as GET /api/stores shows it. */
export interface StoreView {
  id: string;
  name: string;
  kiosks: string[];
}

/** What POST /api/orders answers: the order with 201, an error body otherwise. */
export type OrderResult = { status: 201; body: Order } | { status: number; body: ErrorBody };
