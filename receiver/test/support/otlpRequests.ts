import { SeverityNumber } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** Log records made by the real OTel JS SDK, as an app's exporter would hand them over. */
export function sdkRecords(count: number, body = 'Product 999 has no price'): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'demo-pos' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('route-test');
  for (let i = 0; i < count; i += 1) {
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: `${body} #${i}`,
      attributes: { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_001', 'order.id': `ORD-${i}` },
    });
  }
  return exporter.getFinishedLogRecords();
}

export function protobufBody(records: ReadableLogRecord[]): Buffer {
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!);
}

export function jsonBody(records: ReadableLogRecord[]): Buffer {
  return Buffer.from(JsonLogsSerializer.serializeRequest(records)!);
}
