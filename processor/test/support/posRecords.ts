import type { PipelineRecord } from '../../src/types.ts';

/**
 * Records as the receiver stores them for the demo POS's failures: the attribute names and
 * messages of demo-pos/src (errors.ts, catalogue/, orders/, stores/, http/failureAttributes.ts),
 * values rendered as strings the way the Collector's clickhouseexporter renders them.
 */

let counter = 0;
const BASE_NANOS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

export interface RecordOverrides {
  timestampMs?: number;
  storeId?: string;
  kioskId?: string;
  orderId?: string;
  traceId?: string;
  service?: string;
}

function hex(length: number, seed: number): string {
  let text = '';
  while (text.length < length) text += ((seed * 2654435761 + text.length * 40503) >>> 0).toString(16).padStart(8, '0');
  return text.slice(0, length);
}

function uuid(seed: number): string {
  const h = hex(32, seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function nanosOf(ms: number): string {
  return (BigInt(ms) * 1_000_000n).toString();
}

function base(overrides: RecordOverrides, severityNumber = 17, severityText = 'ERROR'): Omit<PipelineRecord, 'Body' | 'LogAttributes'> {
  const n = ++counter;
  return {
    Timestamp: overrides.timestampMs === undefined ? (BASE_NANOS + BigInt(n) * 1_000_000n).toString() : nanosOf(overrides.timestampMs),
    TraceId: overrides.traceId ?? hex(32, n),
    SpanId: hex(16, n + 7),
    SeverityText: severityText,
    SeverityNumber: severityNumber,
    ServiceName: overrides.service ?? 'demo-pos',
    ResourceAttributes: {
      'service.name': overrides.service ?? 'demo-pos',
      'service.version': '0.1.0',
      'telemetry.sdk.language': 'nodejs',
    },
  };
}

/** The attributes failureAttributes() gives a POS failure of an order. */
function orderFailure(
  code: string,
  status: number,
  overrides: RecordOverrides,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'error.code': code,
    'pos.store.id': overrides.storeId ?? 'STORE_001',
    'pos.kiosk.id': overrides.kioskId ?? 'KIOSK_001',
    'order.id': overrides.orderId ?? `ORD-${uuid(++counter)}`,
    'http.response.status_code': String(status),
    'http.request.method': 'POST',
    'http.route': '/api/orders',
    ...extra,
  };
}

export function missingPrice(overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides),
    Body: 'Product 999 (Mystery Product) has no price',
    LogAttributes: orderFailure('MISSING_PRICE', 422, overrides, { 'product.id': '999' }),
  };
}

export function productNotFound(productId = 4242, overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides),
    Body: `Product ${productId} does not exist in the catalogue`,
    LogAttributes: orderFailure('PRODUCT_NOT_FOUND', 404, overrides, { 'product.id': String(productId) }),
  };
}

export function inventoryShortage(available = 12, requested = 999, overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides),
    Body: `Only ${available} unit(s) of product 101 in stock, ${requested} requested`,
    LogAttributes: orderFailure('INVENTORY_SHORTAGE', 409, overrides, { 'product.id': '101' }),
  };
}

export function paymentFailed(overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides),
    Body: 'Payment gateway declined the payment: card_declined: the issuer declined the card',
    LogAttributes: orderFailure('PAYMENT_FAILED', 402, overrides, { 'payment.card.last4': '0002' }),
  };
}

export function invalidStoreConfig(overrides: RecordOverrides = {}): PipelineRecord {
  const storeId = overrides.storeId ?? 'STORE_404';
  return {
    ...base(overrides),
    Body: `Store ${storeId} is not configured`,
    LogAttributes: orderFailure('INVALID_STORE_CONFIG', 400, { ...overrides, storeId }),
  };
}

/** The POS's INTERNAL_ERROR: logger.exception(), body = exception.message. */
export function internalError(overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides),
    Body: "Cannot read properties of undefined (reading 'priceCents')",
    LogAttributes: {
      'error.code': 'INTERNAL_ERROR',
      'http.response.status_code': '500',
      'http.request.method': 'POST',
      'http.route': '/api/orders',
      'exception.type': 'TypeError',
      'exception.message': "Cannot read properties of undefined (reading 'priceCents')",
      'exception.stacktrace': [
        "TypeError: Cannot read properties of undefined (reading 'priceCents')",
        '    at OrderService.place (file:///app/demo-pos/src/orders/OrderService.ts:61:27)',
        '    at async Object.<anonymous> (file:///app/demo-pos/src/routes/orderRoutes.ts:20:23)',
      ].join('\n'),
    },
  };
}

/** Another team's service logging an exception through the telemetry package. */
export function otherServiceException(overrides: RecordOverrides = {}, line = 88): PipelineRecord {
  return {
    ...base({ service: 'inventory-sync', ...overrides }),
    Body: 'connect ECONNREFUSED 10.0.3.17:5432',
    LogAttributes: {
      'exception.type': 'ConnectionRefusedError',
      'exception.message': 'connect ECONNREFUSED 10.0.3.17:5432',
      'exception.stacktrace': [
        'ConnectionRefusedError: connect ECONNREFUSED 10.0.3.17:5432',
        `    at SyncJob.pullStock (/srv/inventory-sync/dist/jobs/SyncJob.js:${line}:13)`,
        '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      ].join('\n'),
    },
  };
}

export function fatal(overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base({ service: 'kiosk-agent', ...overrides }, 21, 'FATAL'),
    Body: 'Out of memory: kiosk agent is shutting down',
    LogAttributes: { 'pos.store.id': overrides.storeId ?? 'STORE_002', 'pos.kiosk.id': overrides.kioskId ?? 'KIOSK_003' },
  };
}

/** The POS's order log: INFO, with business attributes but no error. */
export function orderPlaced(overrides: RecordOverrides = {}): PipelineRecord {
  const orderId = overrides.orderId ?? `ORD-${uuid(++counter)}`;
  return {
    ...base(overrides, 9, 'INFO'),
    Body: `Order ${orderId} placed`,
    LogAttributes: {
      'order.id': orderId,
      'pos.store.id': overrides.storeId ?? 'STORE_001',
      'pos.kiosk.id': overrides.kioskId ?? 'KIOSK_001',
      'http.response.status_code': '201',
      'order.total_cents': '1798',
      'order.line_count': '2',
      'payment.method': 'card',
    },
  };
}

/** A client's mistake: logged at WARN with error.code VALIDATION_ERROR. */
export function validationWarning(overrides: RecordOverrides = {}): PipelineRecord {
  return {
    ...base(overrides, 13, 'WARN'),
    Body: "Rejected request: body must have required property 'lines'",
    LogAttributes: {
      'error.code': 'VALIDATION_ERROR',
      'http.response.status_code': '400',
      'http.request.method': 'POST',
      'http.route': '/api/orders',
    },
  };
}
