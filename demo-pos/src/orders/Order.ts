export interface OrderItemRequest {
  productId: number;
  quantity: number;
}

export interface OrderRequest {
  storeId: string;
  kioskId: string;
  items: OrderItemRequest[];
  /** Absent for a cash sale, which never reaches the payment gateway. */
  payment?: { cardNumber: string };
}

export interface OrderLine {
  productId: number;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export type OrderPayment = { method: 'card'; cardLast4: string; authorizationId: string } | { method: 'cash' };

export interface Order {
  orderId: string;
  storeId: string;
  kioskId: string;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  payment: OrderPayment;
  createdAt: string;
}
