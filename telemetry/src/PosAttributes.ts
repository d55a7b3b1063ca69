/**
 * Attribute keys for the business context of a point-of-sale error. `error.code` and
 * `http.response.status_code` are OpenTelemetry semantic conventions; the `pos.*`, `order.id`
 * and `product.id` keys are StackLens conventions the receiver's detect rules look for.
 */
export const PosAttributes = {
  STORE_ID: 'pos.store.id',
  KIOSK_ID: 'pos.kiosk.id',
  ORDER_ID: 'order.id',
  PRODUCT_ID: 'product.id',
  ERROR_CODE: 'error.code',
  HTTP_STATUS: 'http.response.status_code',
} as const;
