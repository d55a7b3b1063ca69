import type { LogRow } from './LogRow.ts';

/**
 * Encodes rows as JSONCompactEachRow lines in LOG_COLUMNS order: the compact
 * format is the fastest the engine parses. Timestamp goes unquoted because
 * ClickHouse reads a bare integer into DateTime64(9) as nanosecond ticks.
 */
export function encodeLogRows(rows: ReadonlyArray<LogRow>): string {
  const resource = new LastJson();
  const scope = new LastJson();
  let out = '';
  for (const row of rows) {
    out +=
      `[${row.Timestamp},${JSON.stringify(row.TraceId)},${JSON.stringify(row.SpanId)},${row.TraceFlags},` +
      `${JSON.stringify(row.SeverityText)},${row.SeverityNumber},${JSON.stringify(row.ServiceName)},` +
      `${JSON.stringify(row.Body)},${JSON.stringify(row.ResourceSchemaUrl)},${resource.of(row.ResourceAttributes)},` +
      `${JSON.stringify(row.ScopeSchemaUrl)},${JSON.stringify(row.ScopeName)},${JSON.stringify(row.ScopeVersion)},` +
      `${scope.of(row.ScopeAttributes)},${JSON.stringify(row.LogAttributes)},${JSON.stringify(row.EventName)}]\n`;
  }
  return out;
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
