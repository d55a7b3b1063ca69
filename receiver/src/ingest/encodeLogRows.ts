import { compareUtf8 } from './otlp/goFormat.ts';
import { jsonString } from './otlp/jsonString.ts';
import type { LogRow } from '../store/LogRow.ts';

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
    out += logRowLine({
      timestamp: row.Timestamp,
      traceId: jsonString(row.TraceId),
      spanId: jsonString(row.SpanId),
      traceFlags: row.TraceFlags,
      severityText: jsonString(row.SeverityText),
      severityNumber: row.SeverityNumber,
      serviceName: jsonString(row.ServiceName),
      body: jsonString(row.Body),
      resourceAndScope,
      logAttributes: mapJson(row.LogAttributes),
      eventName: jsonString(row.EventName),
    });
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
 * One row as JSON texts (numbers as they are), the six columns from ResourceSchemaUrl to
 * ScopeAttributes as one piece (see resourceAndScopeJson). Timestamp is the decimal tick count.
 */
export interface LogLine {
  timestamp: string;
  traceId: string;
  spanId: string;
  traceFlags: number;
  severityText: string;
  severityNumber: number;
  serviceName: string;
  body: string;
  resourceAndScope: string;
  logAttributes: string;
  eventName: string;
}

/** One JSONCompactEachRow line in LOG_COLUMNS order: the only place the line is spelled out. */
export function logRowLine(line: Readonly<LogLine>): string {
  return (
    `[${line.timestamp},${line.traceId},${line.spanId},${line.traceFlags},${line.severityText},${line.severityNumber},` +
    `${line.serviceName},${line.body},${line.resourceAndScope},${line.logAttributes},${line.eventName}]\n`
  );
}

/**
 * Rows of one resource or scope share one attributes object, so its JSON is
 * computed once per run of rows rather than once per row.
 */
class LastJson {
  #value: Readonly<Record<string, string>> | undefined;
  #json = '';

  of(value: Readonly<Record<string, string>>): string {
    if (value !== this.#value) {
      this.#value = value;
      this.#json = mapJson(value);
    }
    return this.#json;
  }
}

/** A Map(String, String) column as JSON, its keys in UTF-8 byte order as the exporter sends them (not in JavaScript's object order). */
function mapJson(map: Readonly<Record<string, string>>): string {
  const keys = Object.keys(map).sort(compareUtf8);
  let json = '{';
  for (let i = 0; i < keys.length; i++) json += `${i === 0 ? '' : ','}${jsonString(keys[i]!)}:${jsonString(map[keys[i]!]!)}`;
  return json + '}';
}
