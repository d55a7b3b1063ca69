import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { ProductView, StoreView } from '../src/client/apiTypes.ts';
import type { ErrorBody } from '../src/errors.ts';
import { TestCards } from '../src/payment/PaymentGateway.ts';
import { startTelemetryHarness, type TelemetryHarness } from './support/telemetryHarness.ts';

let harness: TelemetryHarness;
let app: FastifyInstance;
let brokenDice: FastifyInstance;

beforeAll(async () => {
  harness = await startTelemetryHarness();
  app = await buildApp({ telemetry: harness.telemetry });
  // A gateway whose randomness source throws: the one way to reach the "bug" path for real.
  brokenDice = await buildApp({
    telemetry: harness.telemetry,
    random: () => {
      throw new Error('entropy source unavailable');
    },
  });
});

afterAll(async () => {
  await app.close();
  await brokenDice.close();
  await harness.close();
});

describe('read routes', () => {
  it('GET /health says the service is up', async () => {
    const response = await app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', service: 'demo-pos' });
  });

  it('GET /api/products lists the catalogue with prices and stock, product 999 without a price', async () => {
    const products = (await app.inject('/api/products')).json<ProductView[]>();
    expect(products).toHaveLength(12);
    expect(products.find((product) => product.id === 999)).toMatchObject({ name: 'Mystery Product', priceCents: null });
    expect(products.find((product) => product.id === 101)).toMatchObject({ priceCents: 899, inStock: 200 });
  });

  it('GET /api/stores lists the five stores and their kiosks', async () => {
    const stores = (await app.inject('/api/stores')).json<StoreView[]>();
    expect(stores.map((store) => store.id)).toEqual(['STORE_001', 'STORE_002', 'STORE_003', 'STORE_004', 'STORE_005']);
    expect(stores[0]?.kiosks).toEqual(['KIOSK_001', 'KIOSK_002', 'KIOSK_003', 'KIOSK_004']);
  });
});

describe('requests the schema refuses', () => {
  it('answers 400 VALIDATION_ERROR, logged at WARN and not as a POS failure', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { storeId: 'STORE_001', kioskId: 'KIOSK_001', items: [] },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.message).toContain('items');
    const records = (await harness.flushedRecords()).filter((record) => record.attributes['error.code'] === 'VALIDATION_ERROR');
    expect(records).toHaveLength(1);
    expect(records[0]?.severityText).toBe('WARN');
    expect(records[0]?.attributes['http.response.status_code']).toBe(400);
  });

  it('refuses a card number that is not 12 to 19 digits without echoing it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: {
        storeId: 'STORE_001',
        kioskId: 'KIOSK_001',
        items: [{ productId: 101, quantity: 1 }],
        payment: { cardNumber: '4242-4242' },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('4242-4242');
    // In words, not the schema's regular expression.
    expect(response.json<ErrorBody>().message).toBe('body/payment/cardNumber must be 12 to 19 digits, without spaces or dashes');
  });

  it('answers 400 BAD_REQUEST for a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"storeId":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().code).toBe('BAD_REQUEST');
  });

  it('answers 415 BAD_REQUEST for a content type it does not read', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json<ErrorBody>().code).toBe('BAD_REQUEST');
  });

  it('answers 404 ROUTE_NOT_FOUND for an unknown route', async () => {
    const response = await app.inject('/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('an unexpected exception', () => {
  it('answers 500 INTERNAL_ERROR without details and logs the exception with its stack and context', async () => {
    const stockOf101 = async () =>
      (await brokenDice.inject('/api/products')).json<ProductView[]>().find((product) => product.id === 101)?.inStock;
    const before = await stockOf101();
    const response = await brokenDice.inject({
      method: 'POST',
      url: '/api/orders',
      payload: {
        storeId: 'STORE_005',
        kioskId: 'KIOSK_005',
        items: [{ productId: 101, quantity: 3 }],
        payment: { cardNumber: TestCards.APPROVED },
      },
    });

    expect(response.statusCode).toBe(500);
    const body = response.json<ErrorBody>();
    expect(body.code).toBe('INTERNAL_ERROR');
    expect(body.message).not.toContain('entropy');
    expect(await stockOf101()).toBe(before);

    const record = (await harness.flushedRecords()).find((candidate) => candidate.attributes['error.code'] === 'INTERNAL_ERROR');
    expect(record?.severityText).toBe('ERROR');
    expect(record?.traceId).toBe(body.traceId);
    expect(record?.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'entropy source unavailable',
      'http.response.status_code': 500,
    });
    expect(String(record?.attributes['exception.stacktrace'])).toContain('PaymentGateway');
  });
});
