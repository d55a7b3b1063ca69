import { SeverityNumber } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** One error record as the POS (or another service) logs it through the OTel SDK. */
export interface PosError {
  errorCode?: string;
  body: string;
  store?: string;
  kiosk?: string;
  service?: string;
  severity?: SeverityNumber;
  /** The record's own time (default now). */
  time?: Date;
  attributes?: Record<string, string>;
}

/** Records made by the real OTel JS SDK, as exporters hand them over. */
export function posRecords(errors: ReadonlyArray<PosError>): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  for (const error of errors) {
    const service = error.service ?? 'demo-pos';
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const severity = error.severity ?? SeverityNumber.ERROR;
    provider.getLogger('api-test').emit({
      severityNumber: severity,
      severityText: SeverityNumber[severity],
      body: error.body,
      timestamp: error.time ?? new Date(),
      attributes: {
        ...(error.errorCode ? { 'error.code': error.errorCode } : {}),
        ...(error.store ? { 'pos.store.id': error.store } : {}),
        ...(error.kiosk ? { 'pos.kiosk.id': error.kiosk } : {}),
        ...error.attributes,
      },
    });
    records.push(...exporter.getFinishedLogRecords());
  }
  return records;
}

export function protobufRequest(errors: ReadonlyArray<PosError>): Buffer {
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(posRecords(errors))!);
}
