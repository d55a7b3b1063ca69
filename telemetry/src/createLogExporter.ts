import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { TelemetryConfig } from './config.ts';

type ExporterConfig = NonNullable<ConstructorParameters<typeof JsonLogExporter>[0]>;

/**
 * Only what was set in code is passed on: an absent field lets the exporter apply
 * OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT, _HEADERS, _TIMEOUT and _COMPRESSION itself.
 */
export function createLogExporter(config: TelemetryConfig): LogRecordExporter {
  const exporterConfig: ExporterConfig = {};
  if (config.logsUrl !== undefined) exporterConfig.url = config.logsUrl;
  if (config.headers !== undefined) exporterConfig.headers = config.headers;
  if (config.exporterTimeoutMillis !== undefined) exporterConfig.timeoutMillis = config.exporterTimeoutMillis;
  return config.protocol === 'http/json' ? new JsonLogExporter(exporterConfig) : new ProtobufLogExporter(exporterConfig);
}
