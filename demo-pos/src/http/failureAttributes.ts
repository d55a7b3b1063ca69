import { PosAttributes, type LogAttributes } from '@stacklens/telemetry';
import type { FastifyRequest } from 'fastify';
import type { FailureResponse } from './errorResponses.ts';

/**
 * The attributes of a failure's log record: the business context StackLens groups and routes
 * on, and the status the client really got. Absent context stays undefined,
 * which the telemetry logger drops.
 */
export function failureAttributes(failure: FailureResponse, request: FastifyRequest): LogAttributes {
  const { context } = failure;
  return {
    [PosAttributes.ERROR_CODE]: failure.code,
    [PosAttributes.STORE_ID]: context.storeId,
    [PosAttributes.KIOSK_ID]: context.kioskId,
    [PosAttributes.ORDER_ID]: context.orderId,
    [PosAttributes.PRODUCT_ID]: context.productId === undefined ? undefined : String(context.productId),
    [PosAttributes.HTTP_STATUS]: failure.status,
    'payment.card.last4': context.cardLast4,
    'http.request.method': request.method,
    'http.route': request.routeOptions.url,
  };
}
