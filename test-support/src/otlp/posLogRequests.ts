import { SeverityNumber } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';

const STORES = ['STORE_001', 'STORE_002', 'STORE_003', 'STORE_004', 'STORE_005'];
const CODES = ['MISSING_PRICE', 'PRODUCT_NOT_FOUND', 'INVENTORY_SHORTAGE', 'PAYMENT_FAILED', 'INVALID_STORE_CONFIG'];

/**
 * OTLP protobuf request bodies as the OTel JS exporter would send them: real
 * SDK records (POS errors and order logs with business attributes) through
 * the SDK's own serializer.
 */
export function posLogRequests(requests: number, recordsPerRequest: number): Uint8Array[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'demo-pos', 'service.version': '0.1.0', 'host.name': 'bench' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('@stacklens/telemetry', '0.1.0');
  const bodies: Uint8Array[] = [];
  let sequence = 0;
  for (let request = 0; request < requests; request += 1) {
    for (let record = 0; record < recordsPerRequest; record += 1) {
      sequence += 1;
      const failed = sequence % 5 === 0;
      const store = STORES[sequence % STORES.length]!;
      logger.emit({
        severityNumber: failed ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: failed ? 'ERROR' : 'INFO',
        body: failed ? `Order ORD-${sequence} failed: product ${sequence % 997} has no price` : `Order ORD-${sequence} placed`,
        attributes: {
          'pos.store.id': store,
          'pos.kiosk.id': `KIOSK_00${(sequence % 3) + 1}`,
          'order.id': `ORD-${sequence}`,
          'product.id': String(sequence % 997),
          ...(failed ? { 'error.code': CODES[sequence % CODES.length]!, 'http.response.status_code': 422 } : {}),
        },
      });
    }
    bodies.push(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
    exporter.reset();
  }
  return bodies;
}

/**
 * Makes a body unique by appending an unknown field (number 15, varint), which
 * every protobuf decoder skips: the receiver deduplicates retried bodies, so a
 * benchmark that resends identical bytes would measure deduplication instead.
 */
export function withUniqueSuffix(body: Uint8Array, counter: number): Uint8Array {
  const suffix: number[] = [(15 << 3) | 0];
  let value = counter;
  while (value > 0x7f) {
    suffix.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  suffix.push(value);
  const out = new Uint8Array(body.length + suffix.length);
  out.set(body);
  out.set(suffix, body.length);
  return out;
}
