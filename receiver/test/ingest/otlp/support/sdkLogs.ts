import { ROOT_CONTEXT, SeverityNumber, TraceFlags, trace } from '@opentelemetry/api';
import type { AnyValue, Attributes, SpanContext } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** What a test emits through the real OTel JS SDK. */
export interface EmittedLog {
  body?: AnyValue;
  severityNumber?: SeverityNumber;
  severityText?: string;
  attributes?: Attributes;
  exception?: unknown;
  eventName?: string;
  /** [seconds, nanoseconds]: HrTime keeps nanosecond precision that a Date would lose. */
  timestamp?: [number, number];
  observedTimestamp?: [number, number];
  spanContext?: SpanContext;
}

export interface SdkLogsOptions {
  resource?: Attributes;
  resourceSchemaUrl?: string;
  scopeName?: string;
  scopeVersion?: string;
  scopeSchemaUrl?: string;
  scopeAttributes?: Attributes;
}

export const DEMO_RESOURCE: Attributes = {
  'service.name': 'demo-pos',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'host.name': 'kiosk-host-7',
  'process.pid': 4242,
};

/** Emits the logs through LoggerProvider → SimpleLogRecordProcessor → InMemoryLogRecordExporter. */
export async function emitWithSdk(logs: readonly EmittedLog[], options: SdkLogsOptions = {}): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(
      options.resource ?? DEMO_RESOURCE,
      options.resourceSchemaUrl ? { schemaUrl: options.resourceSchemaUrl } : undefined,
    ),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger(options.scopeName ?? 'pos-checkout', options.scopeVersion ?? '2.0.1', {
    ...(options.scopeSchemaUrl ? { schemaUrl: options.scopeSchemaUrl } : {}),
    ...(options.scopeAttributes ? { attributes: options.scopeAttributes } : {}),
  });
  for (const log of logs) {
    const { spanContext, ...record } = log;
    logger.emit({
      ...record,
      ...(spanContext ? { context: trace.setSpanContext(ROOT_CONTEXT, spanContext) } : {}),
    });
  }
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

export const SAMPLED_SPAN: SpanContext = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  traceFlags: TraceFlags.SAMPLED,
};

/** A POS failure as the telemetry package logs it: semconv exception.* plus business context. */
export function posFailure(index: number): EmittedLog {
  const error = new Error(`Product ${900 + (index % 100)} has no price`);
  error.name = 'MissingPriceError';
  return {
    body: `Checkout failed: product ${900 + (index % 100)} has no price`,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    exception: error,
    attributes: {
      'error.code': 'MISSING_PRICE',
      'pos.store.id': `STORE_${String(index % 7).padStart(3, '0')}`,
      'pos.kiosk.id': `KIOSK_${index % 13}`,
      'order.id': `ord-${100000 + index}`,
      'product.id': 900 + (index % 100),
      'cart.total': 12.5 + index,
      'payment.retry': index % 2 === 0,
    },
    timestamp: [1_760_000_000 + index, 123_456_789],
    observedTimestamp: [1_760_000_000 + index, 223_456_789],
    spanContext: {
      traceId: (index.toString(16).padStart(8, '0') + '98038103d269b633813fc60c').slice(0, 32),
      spanId: 'eee19b7ec3c1b174',
      traceFlags: TraceFlags.SAMPLED,
    },
  };
}
