import { PosAttributes, type StackLensLogger } from '@stacklens/telemetry';
import type { FastifyPluginAsync } from 'fastify';
import type { OrderRequest } from '../orders/Order.ts';
import type { OrderService } from '../orders/OrderService.ts';
import { inRequestContext } from '../tracing/requestTracing.ts';
import { errorResponses, orderRequestSchema, orderSchema } from './schemas.ts';

export interface OrderRoutesOptions {
  orders: OrderService;
  logger: StackLensLogger;
}

/** Failures are not handled here: they propagate to the error handler, which logs them once. */
export const orderRoutes: FastifyPluginAsync<OrderRoutesOptions> = async (app, { orders, logger }) => {
  app.post<{ Body: OrderRequest }>(
    '/api/orders',
    { schema: { body: orderRequestSchema, response: { 201: orderSchema, ...errorResponses } } },
    async (request, reply) =>
      inRequestContext(request, async () => {
        const order = await orders.place(request.body);
        logger.info(`Order ${order.orderId} placed`, {
          [PosAttributes.ORDER_ID]: order.orderId,
          [PosAttributes.STORE_ID]: order.storeId,
          [PosAttributes.KIOSK_ID]: order.kioskId,
          [PosAttributes.HTTP_STATUS]: 201,
          'order.total_cents': order.totalCents,
          'order.line_count': order.lines.length,
          'payment.method': order.payment.method,
          'payment.card.last4': order.payment.method === 'card' ? order.payment.cardLast4 : undefined,
        });
        return reply.status(201).send(order);
      }),
  );
};
