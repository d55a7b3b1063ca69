/**
 * Every error the POS can answer with, in one place: the code is the stable contract that
 * clients, the CLI and the StackLens detect rules match on; the status is what HTTP says.
 */
export const ErrorCodes = {
  /** A catalogue product has no price, so the order cannot be totalled. */
  MISSING_PRICE: { status: 422, summary: 'A product in the order has no price' },
  /** The order names a product the catalogue does not hold. */
  PRODUCT_NOT_FOUND: { status: 404, summary: 'A product in the order does not exist' },
  /** More units were asked for than the store has on the shelf. */
  INVENTORY_SHORTAGE: { status: 409, summary: 'Not enough stock for the order' },
  /** The payment gateway refused or failed to charge the card. */
  PAYMENT_FAILED: { status: 402, summary: 'The payment gateway did not accept the payment' },
  /** The store is unknown, or the kiosk does not belong to it. */
  INVALID_STORE_CONFIG: { status: 400, summary: 'Unknown store, or a kiosk that is not in that store' },
  /** The request does not match the route's JSON schema. */
  VALIDATION_ERROR: { status: 400, summary: 'The request does not match the schema' },
  /** The body could not be read at all: malformed JSON, an unsupported content type, too large. */
  BAD_REQUEST: { status: 400, summary: 'The request could not be read' },
  /** No route for this method and path. */
  ROUTE_NOT_FOUND: { status: 404, summary: 'No such route' },
  /** Anything the POS did not expect: a bug, by definition. */
  INTERNAL_ERROR: { status: 500, summary: 'Unexpected error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The five failures the demo exists to produce, as opposed to plain HTTP mistakes. */
export const DomainErrorCodes = [
  'MISSING_PRICE',
  'PRODUCT_NOT_FOUND',
  'INVENTORY_SHORTAGE',
  'PAYMENT_FAILED',
  'INVALID_STORE_CONFIG',
] as const satisfies readonly ErrorCode[];

export type DomainErrorCode = (typeof DomainErrorCodes)[number];

/** Business context carried by a failure so that its log record can say where it happened. */
export interface FailureContext {
  storeId?: string;
  kioskId?: string;
  orderId?: string;
  productId?: number;
  /** Only ever the last four digits: the full card number never leaves the payment code. */
  cardLast4?: string;
}

/** The body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  orderId?: string;
  traceId?: string;
}

export class PosError extends Error {
  override readonly name = 'PosError';
  readonly code: DomainErrorCode;
  readonly status: number;
  readonly context: FailureContext;

  constructor(code: DomainErrorCode, message: string, context: FailureContext = {}) {
    super(message);
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.context = context;
  }
}

export function isPosError(error: unknown): error is PosError {
  return error instanceof PosError;
}
