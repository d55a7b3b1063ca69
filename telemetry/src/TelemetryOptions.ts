/** The wire format of the OTLP/HTTP logs exporter (`grpc` is deliberately not offered). */
export type OtlpHttpProtocol = 'http/json' | 'http/protobuf';

/** Tuning of the BatchLogRecordProcessor; each field falls back to its `OTEL_BLRP_*` variable. */
export interface BatchOptions {
  /** Delay between two scheduled exports (OTEL_BLRP_SCHEDULE_DELAY, SDK default 1000). */
  scheduledDelayMillis?: number;
  /** Records per export request (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, SDK default 512). */
  maxExportBatchSize?: number;
  /** Records buffered before new ones are dropped (OTEL_BLRP_MAX_QUEUE_SIZE, SDK default 2048). */
  maxQueueSize?: number;
  /**
   * Time one export may take (OTEL_BLRP_EXPORT_TIMEOUT, SDK default 30000). Set in code, it
   * also bounds the exporter's HTTP request, overriding OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT.
   */
  exportTimeoutMillis?: number;
}

/**
 * Options of `setupTelemetry`. Every option set in code wins over the matching `OTEL_*`
 * environment variable, which wins over the built-in default (the OpenTelemetry precedence).
 */
export interface TelemetryOptions {
  /** `service.name`; default OTEL_SERVICE_NAME, then `service.name` in OTEL_RESOURCE_ATTRIBUTES, then `unknown_service:node`. */
  serviceName?: string;
  /** `service.version`; default `service.version` in OTEL_RESOURCE_ATTRIBUTES, else absent. */
  serviceVersion?: string;
  /** `deployment.environment.name` (and legacy `deployment.environment`); default from OTEL_RESOURCE_ATTRIBUTES, then NODE_ENV, else absent. */
  environment?: string;
  /** Default OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL, then `http/protobuf` (the spec's default). */
  protocol?: OtlpHttpProtocol;
  /** Base URL of the OTLP receiver; `/v1/logs` is appended. Default from the OTEL_EXPORTER_OTLP_(LOGS_)ENDPOINT variables, then `http://localhost:4318`. */
  endpoint?: string;
  /** Extra request headers, merged over OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_LOGS_HEADERS. */
  headers?: Record<string, string>;
  /** Resource attributes merged over OTEL_RESOURCE_ATTRIBUTES; the dedicated options above win over these. */
  resourceAttributes?: Record<string, string | number | boolean>;
  batch?: BatchOptions;
  /** Default true: on SIGTERM/SIGINT flush, shut down, then let the signal end the process. */
  shutdownOnSignals?: boolean;
}
