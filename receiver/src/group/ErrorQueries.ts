import type { Occurrence, Severity } from '@stacklens/processor';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import type { Page } from './IncidentQueries.ts';
import { isoFromMs, isoFromNanos } from './incidentRow.ts';
import type { IncidentTables } from './incidentSchema.ts';
import { readRows } from '../store/StoreReadError.ts';
import { SqlConditions } from '../store/SqlConditions.ts';

export interface ErrorFilters {
  severity?: Severity;
  errorType?: string;
  service?: string;
  store?: string;
  kiosk?: string;
  /** Epoch ms, inclusive. */
  fromMs?: number;
  /** Epoch ms, inclusive. */
  toMs?: number;
  /** Case-insensitive substring of the body. */
  text?: string;
  limit: number;
  offset: number;
}

/** The occurrence columns read as they are; the two times are rendered below. */
type OccurrenceColumns = Omit<Occurrence, 'timestamp' | 'detectedAt'>;

/** One detected error record (an occurrence of an incident). */
export interface ErrorView extends OccurrenceColumns {
  timestamp: string;
  /** The record's own time at full precision, decimal nanoseconds as in otel_logs. */
  timeUnixNano: string;
  detectedAt: string;
}

interface ErrorRow extends OccurrenceColumns {
  timeUnixNano: string;
  detectedAtMs: number | string;
}

/** Reads of detected error records for `GET /api/errors`, newest first. */
export class ErrorQueries {
  readonly #transport: ClickHouseTransport;
  readonly #tables: IncidentTables;

  constructor(transport: ClickHouseTransport, tables: IncidentTables) {
    this.#transport = transport;
    this.#tables = tables;
  }

  async list(filters: ErrorFilters): Promise<Page<ErrorView>> {
    const conditions = new SqlConditions()
      .add('severity = {severity:String}', 'severity', filters.severity)
      .add('errorType = {errorType:String}', 'errorType', filters.errorType)
      .add('service = {service:String}', 'service', filters.service)
      .add('storeId = {store:String}', 'store', filters.store)
      .add('kioskId = {kiosk:String}', 'kiosk', filters.kiosk)
      .add('timestamp >= fromUnixTimestamp64Milli({from:Int64})', 'from', filters.fromMs)
      // Inclusive of the whole `to` millisecond.
      .add('timestamp < fromUnixTimestamp64Milli({to:Int64} + 1)', 'to', filters.toMs)
      .add('positionCaseInsensitiveUTF8(body, {text:String}) > 0', 'text', filters.text);
    const from = `FROM ${this.#tables.occurrences} ${conditions.where()}`;
    const [counted] = await readRows<{ total: number | string }>(this.#transport, `SELECT count() AS total ${from}`, conditions.params);
    const rows = await readRows<ErrorRow>(
      this.#transport,
      `SELECT incidentId, toString(toUnixTimestamp64Nano(timestamp)) AS timeUnixNano,
    toUnixTimestamp64Milli(detectedAt) AS detectedAtMs, service, errorType, severity, storeId, kioskId,
    traceId, spanId, body, errorCode
${from}
ORDER BY timestamp DESC, incidentId LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { ...conditions.params, limit: filters.limit, offset: filters.offset },
    );
    return {
      total: Number(counted?.total ?? 0),
      items: rows.map(({ detectedAtMs, ...row }) => ({
        ...row,
        timestamp: isoFromNanos(row.timeUnixNano),
        detectedAt: isoFromMs(detectedAtMs),
      })),
    };
  }
}
