import { describe, expect, it } from 'vitest';
import { Catalogue } from '../src/catalogue/Catalogue.ts';
import { defaultProducts } from '../src/catalogue/products.ts';
import { StockLevels } from '../src/catalogue/StockLevels.ts';
import { ConfigError, readPosConfig } from '../src/config.ts';
import { PosError } from '../src/errors.ts';
import { lastFour, passesLuhn } from '../src/payment/cardNumber.ts';
import { PaymentGateway, TestCards } from '../src/payment/PaymentGateway.ts';
import { defaultStores } from '../src/stores/stores.ts';
import { StoreDirectory } from '../src/stores/StoreDirectory.ts';

function thrown(work: () => unknown): PosError {
  try {
    work();
  } catch (error) {
    if (error instanceof PosError) return error;
    throw error;
  }
  throw new Error('expected a PosError');
}

describe('Catalogue', () => {
  const catalogue = new Catalogue(defaultProducts);

  it('prices a product, and refuses one without a price with MISSING_PRICE', () => {
    expect(catalogue.priceOf(catalogue.get(101))).toBe(899);
    const error = thrown(() => catalogue.priceOf(catalogue.get(999), { orderId: 'ORD-1' }));
    expect(error).toMatchObject({ code: 'MISSING_PRICE', status: 422, context: { orderId: 'ORD-1', productId: 999 } });
  });

  it('answers PRODUCT_NOT_FOUND for an id it does not hold', () => {
    expect(thrown(() => catalogue.get(1))).toMatchObject({ code: 'PRODUCT_NOT_FOUND', status: 404, context: { productId: 1 } });
  });
});

describe('StockLevels', () => {
  const products = [
    { id: 1, name: 'A', category: 'x', priceCents: 100, shelfCapacity: 5 },
    { id: 2, name: 'B', category: 'x', priceCents: 100, shelfCapacity: 3 },
  ];

  it('reserves all lines or none, adding up repeated products', () => {
    const stock = new StockLevels(products);
    const error = thrown(() =>
      stock.reserve([
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 2 },
        { productId: 2, quantity: 2 },
      ]),
    );
    expect(error).toMatchObject({ code: 'INVENTORY_SHORTAGE', status: 409, context: { productId: 2 } });
    expect(error.message).toBe('Only 3 unit(s) of product 2 in stock, 4 requested');
    expect(stock.available(1)).toBe(5);
    stock.reserve([{ productId: 1, quantity: 5 }]);
    expect(stock.available(1)).toBe(0);
  });

  it('releases units back, never above the shelf capacity', () => {
    const stock = new StockLevels(products);
    stock.reserve([{ productId: 1, quantity: 2 }]);
    stock.release([{ productId: 1, quantity: 2 }]);
    stock.release([{ productId: 1, quantity: 2 }]);
    expect(stock.available(1)).toBe(5);
  });

  it('restocks every shelf once the interval has passed, so long runs do not run dry', () => {
    let now = 1_000;
    const stock = new StockLevels(products, { clock: () => now, restockIntervalMs: 60_000 });
    stock.reserve([{ productId: 2, quantity: 3 }]);
    now += 59_999;
    expect(stock.available(2)).toBe(0);
    now += 1;
    expect(stock.available(2)).toBe(3);
  });

  it('knows nothing of products it was not given', () => {
    expect(new StockLevels(products).available(42)).toBe(0);
  });
});

describe('StoreDirectory', () => {
  const stores = new StoreDirectory(defaultStores);

  it('accepts a kiosk of the store', () => {
    expect(stores.resolveKiosk('STORE_004', 'KIOSK_002').name).toBe('Harbour');
  });

  it('refuses an unknown store and a kiosk of another store with INVALID_STORE_CONFIG', () => {
    expect(thrown(() => stores.resolveKiosk('STORE_999', 'KIOSK_001'))).toMatchObject({
      code: 'INVALID_STORE_CONFIG',
      status: 400,
      message: 'Store STORE_999 is not configured',
    });
    expect(thrown(() => stores.resolveKiosk('STORE_004', 'KIOSK_003')).message).toContain('KIOSK_001, KIOSK_002');
  });
});

describe('PaymentGateway', () => {
  const charge = (gateway: PaymentGateway, cardNumber: string) => gateway.charge({ orderId: 'ORD-1', amountCents: 100, cardNumber });

  it('approves a good card and returns only its last four digits', async () => {
    const result = await charge(new PaymentGateway(), TestCards.APPROVED);
    expect(result).toMatchObject({ approved: true, cardLast4: '4242', authorizationId: expect.stringMatching(/^AUTH-[0-9A-F]{8}$/) });
    expect(JSON.stringify(result)).not.toContain(TestCards.APPROVED);
  });

  it('always declines the test cards, whatever the dice say', async () => {
    const gateway = new PaymentGateway({ failureRate: 0 });
    expect(await charge(gateway, TestCards.DECLINED)).toMatchObject({ approved: false, reason: expect.stringMatching(/^card_declined/) });
    expect(await charge(gateway, TestCards.INSUFFICIENT_FUNDS)).toMatchObject({
      approved: false,
      reason: expect.stringMatching(/^insufficient_funds/),
    });
  });

  it('declines a number that fails the Luhn check', async () => {
    expect(await charge(new PaymentGateway(), '4242424242424241')).toMatchObject({
      approved: false,
      reason: expect.stringMatching(/^invalid_number/),
    });
  });

  it('fails the configured share of otherwise good payments', async () => {
    const dice = [0.05, 0.5, 0.19, 0.2];
    const gateway = new PaymentGateway({ failureRate: 0.2, random: () => dice.shift() ?? 1 });
    const approvals = [];
    for (let attempt = 0; attempt < 4; attempt++) approvals.push((await charge(gateway, TestCards.APPROVED)).approved);
    expect(approvals).toEqual([false, true, false, true]);
  });

  it('refuses a failure rate outside 0..1', () => {
    expect(() => new PaymentGateway({ failureRate: 1.5 })).toThrow(RangeError);
    expect(() => new PaymentGateway({ failureRate: Number.NaN })).toThrow(RangeError);
  });

  it('card helpers: last four digits and the Luhn checksum', () => {
    expect(lastFour('4000000000000002')).toBe('0002');
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });
});

describe('readPosConfig', () => {
  it('has the documented defaults', () => {
    expect(readPosConfig({})).toEqual({ port: 3001, host: '127.0.0.1', paymentFailureRate: 0, restockIntervalMs: 60_000 });
  });

  it('reads the POS_* variables', () => {
    expect(
      readPosConfig({ POS_PORT: '0', POS_HOST: '0.0.0.0', POS_PAYMENT_FAILURE_RATE: '0.25', POS_RESTOCK_INTERVAL_MS: '5000' }),
    ).toEqual({ port: 0, host: '0.0.0.0', paymentFailureRate: 0.25, restockIntervalMs: 5000 });
  });

  it.each([
    ['POS_PORT', '70000'],
    ['POS_PORT', 'abc'],
    ['POS_PAYMENT_FAILURE_RATE', '2'],
    ['POS_RESTOCK_INTERVAL_MS', '0'],
  ])('refuses %s=%s with a clear message', (name, value) => {
    expect(() => readPosConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readPosConfig({ [name]: value })).toThrow(`${name}=${value} is not valid`);
  });
});
