/**
 * One row of the `otel_logs` table, rendered exactly as the Collector's
 * `clickhouseexporter` renders it, so rows from either writer are indistinguishable.
 */
export interface LogRow {
  /** Nanoseconds since the Unix epoch as a decimal integer string (DateTime64(9) ticks). */
  Timestamp: string;
  /** Lowercase hex, or '' when the id is absent or all zeros. */
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Record<string, string>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  EventName: string;
}

/** The column order every insert uses. */
export const LOG_COLUMNS = [
  'Timestamp',
  'TraceId',
  'SpanId',
  'TraceFlags',
  'SeverityText',
  'SeverityNumber',
  'ServiceName',
  'Body',
  'ResourceSchemaUrl',
  'ResourceAttributes',
  'ScopeSchemaUrl',
  'ScopeName',
  'ScopeVersion',
  'ScopeAttributes',
  'LogAttributes',
  'EventName',
] as const satisfies ReadonlyArray<keyof LogRow>;
