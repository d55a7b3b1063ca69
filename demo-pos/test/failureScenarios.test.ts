import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { ErrorBody } from '../src/errors.ts';
import type { Order } from '../src/orders/Order.ts';
import { TestCards } from '../src/payment/PaymentGateway.ts';
import { failureScenarios, scenarioNames } from '../src/scenarios/failureScenarios.ts';
import type { CapturedRecord } from './support/captureServer.ts';
import { recordsOfOrder, startTelemetryHarness, type TelemetryHarness } from './support/telemetryHarness.ts';

let harness: TelemetryHarness;
let app: FastifyInstance;

beforeAll(async () => {
  harness = await startTelemetryHarness();
  app = await buildApp({ telemetry: harness.telemetry });
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

async function postOrder(payload: object, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/orders', payload, headers });
}

async function onlyRecordOf(orderId: string): Promise<CapturedRecord> {
  const records = recordsOfOrder(await harness.flushedRecords(), orderId);
  expect(records).toHaveLength(1);
  return records[0] as CapturedRecord;
}

const expectedProduct: Record<string, string | undefined> = {
  'missing-price': '999',
  'not-found': '4040',
  inventory: '111',
  'payment-fail': undefined,
  'store-config': undefined,
};

describe.each(scenarioNames)('scenario %s', (name) => {
  const scenario = failureScenarios[name];

  it(`answers ${scenario.status} ${scenario.code} and logs it once at ERROR with its context`, async () => {
    const response = await postOrder(scenario.order('STORE_002'));

    expect(response.statusCode).toBe(scenario.status);
    const body = response.json<ErrorBody>();
    expect(body.code).toBe(scenario.code);
    expect(body.message).toEqual(expect.any(String));
    expect(body.orderId).toMatch(/^ORD-[0-9a-f-]{36}$/);

    const record = await onlyRecordOf(body.orderId as string);
    expect(record.severityText).toBe('ERROR');
    expect(record.severityNumber).toBe(17);
    expect(record.body).toBe(body.message);
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(record.traceId).toBe(body.traceId);
    expect(record.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(record.resource['service.name']).toBe('demo-pos');
    expect(record.attributes).toMatchObject({
      'error.code': scenario.code,
      'pos.store.id': 'STORE_002',
      'pos.kiosk.id': scenario.order('STORE_002').kioskId,
      'order.id': body.orderId,
      'http.response.status_code': scenario.status,
    });
    expect(record.attributes['product.id']).toBe(expectedProduct[name]);
  });
});

describe('good orders', () => {
  it('answers 201 with the priced order, takes the goods off the shelf and logs at INFO', async () => {
    const stockOf = async (id: number) => {
      const products = (await app.inject('/api/products')).json<{ id: number; inStock: number }[]>();
      return products.find((product) => product.id === id)?.inStock;
    };
    const before = await stockOf(102);

    const response = await postOrder({
      storeId: 'STORE_003',
      kioskId: 'KIOSK_003',
      items: [
        { productId: 102, quantity: 2 },
        { productId: 108, quantity: 1 },
      ],
      payment: { cardNumber: TestCards.APPROVED },
    });

    expect(response.statusCode).toBe(201);
    const order = response.json<Order>();
    expect(order).toMatchObject({ storeId: 'STORE_003', kioskId: 'KIOSK_003', totalCents: 2 * 999 + 249, currency: 'USD' });
    expect(order.payment).toMatchObject({ method: 'card', cardLast4: '4242', authorizationId: expect.stringMatching(/^AUTH-/) });
    expect(await stockOf(102)).toBe((before as number) - 2);

    const record = await onlyRecordOf(order.orderId);
    expect(record.severityText).toBe('INFO');
    expect(record.attributes).toMatchObject({
      'pos.store.id': 'STORE_003',
      'http.response.status_code': 201,
      'payment.card.last4': '4242',
    });
  });

  it('sells for cash without touching the gateway', async () => {
    const response = await postOrder({ storeId: 'STORE_001', kioskId: 'KIOSK_001', items: [{ productId: 110, quantity: 1 }] });
    expect(response.statusCode).toBe(201);
    expect(response.json<Order>().payment).toEqual({ method: 'cash' });
  });

  it('puts the goods back when the payment is declined', async () => {
    const stock = async () =>
      (await app.inject('/api/products')).json<{ id: number; inStock: number }[]>().find((p) => p.id === 105)?.inStock;
    const before = await stock();
    const response = await postOrder(failureScenarios['payment-fail'].order('STORE_001'));
    expect(response.statusCode).toBe(402);
    expect(await stock()).toBe(before);
  });
});

describe('trace context', () => {
  it('continues the trace of a client that sends a W3C traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await postOrder(failureScenarios['not-found'].order('STORE_001'), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    const body = response.json<ErrorBody>();
    expect(body.traceId).toBe(traceId);
    const record = await onlyRecordOf(body.orderId as string);
    expect(record.traceId).toBe(traceId);
    expect(record.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('starts a new trace when the traceparent is malformed', async () => {
    const response = await postOrder(failureScenarios['not-found'].order('STORE_001'), { traceparent: 'garbage' });
    expect(response.json<ErrorBody>().traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('card numbers', () => {
  it('never appear in any exported body, only their last four digits', async () => {
    await postOrder(failureScenarios['payment-fail'].order('STORE_004'));
    await postOrder({
      storeId: 'STORE_004',
      kioskId: 'KIOSK_001',
      items: [{ productId: 101, quantity: 1 }],
      payment: { cardNumber: TestCards.APPROVED },
    });
    await harness.flushedRecords();
    const exported = harness.capture.bodies.join('\n');
    expect(exported).toContain('0002');
    expect(exported).not.toContain(TestCards.DECLINED);
    expect(exported).not.toContain(TestCards.APPROVED);
  });
});
