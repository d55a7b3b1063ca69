import type { LogRow } from './LogRow.ts';

/**
 * Encodes rows as JSONCompactEachRow lines in LOG_COLUMNS order: the compact
 * format is the fastest the engine parses. Timestamp goes unquoted because
 * ClickHouse reads a bare integer into DateTime64(9) as nanosecond ticks.
 */
export function encodeLogRows(rows: ReadonlyArray<LogRow>): string {
  let out = '';
  for (const row of rows) {
    out +=
      `[${row.Timestamp},${JSON.stringify(row.TraceId)},${JSON.stringify(row.SpanId)},${row.TraceFlags},` +
      `${JSON.stringify(row.SeverityText)},${row.SeverityNumber},${JSON.stringify(row.ServiceName)},` +
      `${JSON.stringify(row.Body)},${JSON.stringify(row.ResourceSchemaUrl)},${JSON.stringify(row.ResourceAttributes)},` +
      `${JSON.stringify(row.ScopeSchemaUrl)},${JSON.stringify(row.ScopeName)},${JSON.stringify(row.ScopeVersion)},` +
      `${JSON.stringify(row.ScopeAttributes)},${JSON.stringify(row.LogAttributes)},${JSON.stringify(row.EventName)}]\n`;
  }
  return out;
}
