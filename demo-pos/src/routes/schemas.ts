/**
 * The JSON schemas of the POS API: they validate requests, shape responses, and are the
 * documentation of record for what each route accepts and returns.
 */

export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable error code, see src/errors.ts' },
    message: { type: 'string' },
    orderId: { type: 'string', description: 'The order the failure belongs to, when one was started' },
    traceId: { type: 'string', description: 'W3C trace id of the request, to find its log record' },
  },
} as const;

/** Every route answers client and server errors in the same shape. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const productSchema = {
  type: 'object',
  required: ['id', 'name', 'category', 'priceCents', 'inStock'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    category: { type: 'string' },
    priceCents: { type: ['integer', 'null'], description: 'null when the product has no price' },
    inStock: { type: 'integer', description: 'Units on the shelf right now' },
  },
} as const;

export const storeSchema = {
  type: 'object',
  required: ['id', 'name', 'kiosks'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kiosks: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const orderRequestSchema = {
  type: 'object',
  required: ['storeId', 'kioskId', 'items'],
  additionalProperties: false,
  properties: {
    storeId: { type: 'string', minLength: 1, maxLength: 64 },
    kioskId: { type: 'string', minLength: 1, maxLength: 64 },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['productId', 'quantity'],
        additionalProperties: false,
        properties: {
          productId: { type: 'integer', minimum: 1 },
          quantity: { type: 'integer', minimum: 1, maximum: 999 },
        },
      },
    },
    payment: {
      type: 'object',
      description: 'Card payment; leave out for a cash sale',
      required: ['cardNumber'],
      additionalProperties: false,
      properties: {
        cardNumber: {
          type: 'string',
          pattern: '^[0-9]{12,19}$',
          errorMessage: { pattern: 'must be 12 to 19 digits, without spaces or dashes' },
        },
      },
    },
  },
} as const;

export const orderSchema = {
  type: 'object',
  required: ['orderId', 'storeId', 'kioskId', 'lines', 'totalCents', 'currency', 'payment', 'createdAt'],
  properties: {
    orderId: { type: 'string' },
    storeId: { type: 'string' },
    kioskId: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          productId: { type: 'integer' },
          name: { type: 'string' },
          quantity: { type: 'integer' },
          unitPriceCents: { type: 'integer' },
          lineTotalCents: { type: 'integer' },
        },
      },
    },
    totalCents: { type: 'integer' },
    currency: { type: 'string' },
    payment: {
      type: 'object',
      required: ['method'],
      properties: {
        method: { type: 'string', enum: ['card', 'cash'] },
        cardLast4: { type: 'string' },
        authorizationId: { type: 'string' },
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
