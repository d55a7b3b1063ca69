import { MYSTERY_PRODUCT_ID } from '../catalogue/products.ts';
import { ErrorCodes, type DomainErrorCode } from '../errors.ts';
import type { OrderRequest } from '../orders/Order.ts';
import { TestCards } from '../payment/PaymentGateway.ts';

/** A product id the catalogue does not hold. */
export const UNKNOWN_PRODUCT_ID = 4040;
/** A kiosk id no store is configured with. */
export const UNCONFIGURED_KIOSK_ID = 'KIOSK_099';
/** More units than any shelf holds (the largest shelf holds 400), within the API's limit of 999. */
export const OVERSIZED_QUANTITY = 999;
/** A kiosk every store has. */
const FIRST_KIOSK = 'KIOSK_001';

export const scenarioNames = ['missing-price', 'not-found', 'inventory', 'payment-fail', 'store-config'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/**
 * An order that makes the POS fail for real in its own code, and what the client should get.
 * Both the test-errors CLI and the traffic generator send these through the HTTP API.
 */
export interface FailureScenario {
  name: ScenarioName;
  code: DomainErrorCode;
  status: number;
  /** How the failure happens inside the POS, for the CLI's help and the README. */
  howItHappens: string;
  order(storeId: string): OrderRequest;
}

function scenario(
  name: ScenarioName,
  code: DomainErrorCode,
  howItHappens: string,
  order: (storeId: string) => OrderRequest,
): FailureScenario {
  return { name, code, status: ErrorCodes[code].status, howItHappens, order };
}

export const failureScenarios: Readonly<Record<ScenarioName, FailureScenario>> = {
  'missing-price': scenario(
    'missing-price',
    'MISSING_PRICE',
    `orders a burger and product ${MYSTERY_PRODUCT_ID}, whose catalogue entry has no price; pricing refuses to total it`,
    (storeId) => ({
      storeId,
      kioskId: FIRST_KIOSK,
      items: [
        { productId: 101, quantity: 1 },
        { productId: MYSTERY_PRODUCT_ID, quantity: 1 },
      ],
    }),
  ),
  'not-found': scenario(
    'not-found',
    'PRODUCT_NOT_FOUND',
    `orders product ${UNKNOWN_PRODUCT_ID}, which the catalogue lookup does not find`,
    (storeId) => ({ storeId, kioskId: FIRST_KIOSK, items: [{ productId: UNKNOWN_PRODUCT_ID, quantity: 1 }] }),
  ),
  inventory: scenario(
    'inventory',
    'INVENTORY_SHORTAGE',
    `asks for ${OVERSIZED_QUANTITY} sundaes; the stock reservation finds fewer on the shelf`,
    (storeId) => ({ storeId, kioskId: FIRST_KIOSK, items: [{ productId: 111, quantity: OVERSIZED_QUANTITY }] }),
  ),
  'payment-fail': scenario(
    'payment-fail',
    'PAYMENT_FAILED',
    `pays with test card ${TestCards.DECLINED}, which the payment gateway always declines`,
    (storeId) => ({
      storeId,
      kioskId: FIRST_KIOSK,
      items: [{ productId: 105, quantity: 1 }],
      payment: { cardNumber: TestCards.DECLINED },
    }),
  ),
  'store-config': scenario(
    'store-config',
    'INVALID_STORE_CONFIG',
    `orders from ${UNCONFIGURED_KIOSK_ID}, a kiosk the store directory does not list for the store`,
    (storeId) => ({ storeId, kioskId: UNCONFIGURED_KIOSK_ID, items: [{ productId: 108, quantity: 1 }] }),
  ),
};

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}
