import { diag } from '@opentelemetry/api';
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import type { BatchOptions, OtlpHttpProtocol, TelemetryOptions } from './TelemetryOptions.ts';
import { TelemetrySetupError } from './TelemetrySetupError.ts';

/**
 * What setupTelemetry needs beyond the resource. Only settings the exporters do not read from
 * the environment themselves are resolved here: endpoint, headers, timeout and compression
 * variables stay with the exporter so the spec's precedence rules live in one place.
 */
export interface TelemetryConfig {
  protocol: OtlpHttpProtocol;
  /** Full logs URL when `endpoint` was given in code; otherwise the exporter reads OTEL_* itself. */
  logsUrl: string | undefined;
  headers: Record<string, string> | undefined;
  /** Only when set in code: otherwise OTEL_EXPORTER_OTLP_(LOGS_)TIMEOUT applies. */
  exporterTimeoutMillis: number | undefined;
  batch: BatchOptions;
  shutdownOnSignals: boolean;
}

const PROTOCOLS: readonly string[] = ['http/json', 'http/protobuf'] satisfies OtlpHttpProtocol[];
const DEFAULT_PROTOCOL: OtlpHttpProtocol = 'http/protobuf';
const LOGS_PATH = 'v1/logs';

const BATCH_ENV: Record<keyof BatchOptions, string> = {
  scheduledDelayMillis: 'OTEL_BLRP_SCHEDULE_DELAY',
  maxExportBatchSize: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
  maxQueueSize: 'OTEL_BLRP_MAX_QUEUE_SIZE',
  exportTimeoutMillis: 'OTEL_BLRP_EXPORT_TIMEOUT',
};

export function resolveConfig(options: TelemetryOptions): TelemetryConfig {
  return {
    protocol: resolveProtocol(options.protocol),
    logsUrl: options.endpoint === undefined ? undefined : logsUrlFromBase(options.endpoint),
    headers: options.headers,
    exporterTimeoutMillis: options.batch?.exportTimeoutMillis,
    batch: resolveBatch(options.batch ?? {}),
    shutdownOnSignals: options.shutdownOnSignals ?? true,
  };
}

function resolveProtocol(fromCode: string | undefined): OtlpHttpProtocol {
  const chosen =
    fromCode ?? getStringFromEnv('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? DEFAULT_PROTOCOL;
  if (!isProtocol(chosen)) {
    // Falling back silently would send HTTP to a gRPC port and lose every record unnoticed.
    throw new TelemetrySetupError(
      'UNSUPPORTED_PROTOCOL',
      `OTLP protocol '${chosen}' is not supported for logs; use 'http/protobuf' or 'http/json' ` +
        '(set the protocol option or OTEL_EXPORTER_OTLP_LOGS_PROTOCOL).',
    );
  }
  return chosen;
}

function isProtocol(value: string): value is OtlpHttpProtocol {
  return PROTOCOLS.includes(value);
}

/** The same rule the spec gives for OTEL_EXPORTER_OTLP_ENDPOINT: a base URL gets `v1/logs`. */
function logsUrlFromBase(endpoint: string): string {
  // 'collector:4318' parses as a URL with scheme 'collector:'; only http(s) can carry OTLP/HTTP.
  const scheme = URL.parse(endpoint)?.protocol;
  if (scheme !== 'http:' && scheme !== 'https:') {
    throw new TelemetrySetupError(
      'INVALID_ENDPOINT',
      `endpoint '${endpoint}' is not an absolute http(s) URL such as 'http://collector:4318'.`,
    );
  }
  return endpoint.endsWith('/') ? endpoint + LOGS_PATH : `${endpoint}/${LOGS_PATH}`;
}

function resolveBatch(fromCode: BatchOptions): BatchOptions {
  const batch: BatchOptions = {};
  for (const key of Object.keys(BATCH_ENV) as (keyof BatchOptions)[]) {
    const value = fromCode[key] ?? positiveFromEnv(BATCH_ENV[key]);
    if (value !== undefined) batch[key] = value;
  }
  return batch;
}

function positiveFromEnv(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && value > 0) return value;
  diag.warn(`@stacklens/telemetry: ignoring ${name}=${value}; expected a number greater than 0.`);
  return undefined;
}
