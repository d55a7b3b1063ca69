import { jsonString } from '../otlp/jsonString.ts';
import type { LogRow } from './LogRow.ts';

/**
 * Encodes rows as JSONCompactEachRow lines in LOG_COLUMNS order: the compact
 * format is the fastest the engine parses. Timestamp goes unquoted because
 * ClickHouse reads a bare integer into DateTime64(9) as nanosecond ticks.
 * The write path encodes requests without row objects (encodeLogRequest.ts)
 * through the same two functions below, to the same bytes.
 */
export function encodeLogRows(rows: ReadonlyArray<LogRow>): string {
  const resource = new LastJson();
  const scope = new LastJson();
  let out = '';
  for (const row of rows) {
    const resourceAndScope = resourceAndScopeJson(
      jsonString(row.ResourceSchemaUrl),
      resource.of(row.ResourceAttributes),
      jsonString(row.ScopeSchemaUrl),
      jsonString(row.ScopeName),
      jsonString(row.ScopeVersion),
      scope.of(row.ScopeAttributes),
    );
    out += logRowLine(
      row.Timestamp,
      jsonString(row.TraceId),
      jsonString(row.SpanId),
      row.TraceFlags,
      jsonString(row.SeverityText),
      row.SeverityNumber,
      jsonString(row.ServiceName),
      jsonString(row.Body),
      resourceAndScope,
      JSON.stringify(row.LogAttributes),
      jsonString(row.EventName),
    );
  }
  return out;
}

/**
 * The six columns from ResourceSchemaUrl to ScopeAttributes, which are alike for all rows
 * of a scope, as one piece of a line. Arguments are JSON texts.
 */
export function resourceAndScopeJson(
  resourceSchemaUrl: string,
  resourceAttributes: string,
  scopeSchemaUrl: string,
  scopeName: string,
  scopeVersion: string,
  scopeAttributes: string,
): string {
  return `${resourceSchemaUrl},${resourceAttributes},${scopeSchemaUrl},${scopeName},${scopeVersion},${scopeAttributes}`;
}

/**
 * One JSONCompactEachRow line in LOG_COLUMNS order: the only place the line is spelled out.
 * Strings and maps come as JSON texts; Timestamp is the decimal tick count.
 */
export function logRowLine(
  timestamp: string,
  traceId: string,
  spanId: string,
  traceFlags: number,
  severityText: string,
  severityNumber: number,
  serviceName: string,
  body: string,
  resourceAndScope: string,
  logAttributes: string,
  eventName: string,
): string {
  return (
    `[${timestamp},${traceId},${spanId},${traceFlags},${severityText},${severityNumber},` +
    `${serviceName},${body},${resourceAndScope},${logAttributes},${eventName}]\n`
  );
}

/**
 * Rows of one resource or scope share one attributes object, so its JSON is
 * computed once per run of rows rather than once per row.
 */
class LastJson {
  #value: object | undefined;
  #json = '';

  of(value: object): string {
    if (value !== this.#value) {
      this.#value = value;
      this.#json = JSON.stringify(value);
    }
    return this.#json;
  }
}
