import type { AuditStage, Incident, IncidentStatus, Severity } from '@stacklens/processor';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import {
  INCIDENT_SELECT,
  INCIDENT_VIEW_SELECT,
  incidentFromRow,
  incidentViewFromRow,
  isoFromMs,
  type IncidentRow,
  type IncidentView,
  type IncidentViewRow,
} from './incidentRow.ts';
import type { IncidentTables } from './incidentSchema.ts';
import { readRows } from '../store/StoreReadError.ts';
import { SqlConditions } from '../store/SqlConditions.ts';

export interface Page<Item> {
  /** Items matching the filters, whatever the limit and offset. */
  total: number;
  items: Item[];
}

export interface IncidentFilters {
  status?: IncidentStatus;
  severity?: Severity;
  errorType?: string;
  service?: string;
  /** Incidents that occurred at least once in this store. */
  store?: string;
  /** Text in the title (the template), error type, service, stores, kiosks, or the samples' raw messages and attributes, any case. */
  text?: string;
  /** Incidents grouped under this storm incident. */
  storm?: string;
  limit: number;
  offset: number;
}

export interface HistogramBucket {
  /** Start of the minute, ISO 8601. */
  at: string;
  count: number;
}

/** Per-minute occurrence counts over [from, to), every minute present. */
export interface Histogram {
  from: string;
  to: string;
  bucketSeconds: number;
  total: number;
  buckets: HistogramBucket[];
}

export interface AuditView {
  stage: AuditStage;
  at: string;
  detail: string;
  actor: string;
}

const MINUTE_MS = 60_000;
/** The newest audit entries an incident view carries (spikes and recurrences can add many). */
export const AUDIT_LIMIT = 1000;

/** Reads of incident state for the API, always from ClickHouse so every receiver answers alike. */
export class IncidentQueries {
  readonly #transport: ClickHouseTransport;
  readonly #tables: IncidentTables;

  constructor(transport: ClickHouseTransport, tables: IncidentTables) {
    this.#transport = transport;
    this.#tables = tables;
  }

  async list(filters: IncidentFilters): Promise<Page<IncidentView>> {
    // FINAL merges the versions before WHERE applies, so a filter sees only each incident's newest state.
    const conditions = new SqlConditions()
      .add('status = {status:String}', 'status', filters.status)
      .add('severity = {severity:String}', 'severity', filters.severity)
      .add('errorType = {errorType:String}', 'errorType', filters.errorType)
      .add('service = {service:String}', 'service', filters.service)
      .add('mapContains(storeCounts, {store:String})', 'store', filters.store)
      .add('stormId = {storm:String}', 'storm', filters.storm)
      .add(
        // The title is the template (`Product <num> has no price`); the samples keep the raw values (`999`, an order id).
        // Each field is searched on its own, as text: never the JSON around the samples.
        'arrayExists(field -> positionCaseInsensitiveUTF8(field, {text:String}) > 0, arrayConcat([title, example, errorType, service], ' +
          'mapKeys(storeCounts), mapKeys(kioskCounts), ' +
          "arrayMap(sample -> JSONExtractString(sample, 'body'), JSONExtractArrayRaw(samples)), " +
          "arrayFlatten(arrayMap(sample -> mapValues(JSONExtract(sample, 'attributes', 'Map(String, String)')), JSONExtractArrayRaw(samples)))))",
        'text',
        filters.text,
      );
    // An incident merged into another keeps its last state in the table: its latest alias names the survivor.
    const notMerged = `id NOT IN (SELECT fingerprint FROM ${this.#tables.aliases} GROUP BY fingerprint HAVING argMax(incidentId, seq) != fingerprint)`;
    const where = conditions.where();
    const from = `FROM ${this.#tables.incidents} FINAL ${where === '' ? `WHERE ${notMerged}` : `${where} AND ${notMerged}`}`;
    const [counted] = await readRows<{ total: number | string }>(this.#transport, `SELECT count() AS total ${from}`, conditions.params);
    const rows = await readRows<IncidentViewRow>(
      this.#transport,
      `SELECT ${INCIDENT_VIEW_SELECT} ${from} ORDER BY lastSeen DESC, id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { ...conditions.params, limit: filters.limit, offset: filters.offset },
    );
    return { total: Number(counted?.total ?? 0), items: rows.map(incidentViewFromRow) };
  }

  /** The incident, or the one an id was merged into (or a template's later fingerprint resolves to). */
  async find(id: string): Promise<Incident | undefined> {
    let current = id;
    for (let hops = 0; hops < 8; hops += 1) {
      const [row] = await readRows<IncidentRow>(
        this.#transport,
        `SELECT ${INCIDENT_SELECT} FROM ${this.#tables.incidents} FINAL WHERE id = {id:String}`,
        { id: current },
      );
      const [alias] = await readRows<{ incidentId: string }>(
        this.#transport,
        `SELECT incidentId FROM ${this.#tables.aliases} WHERE fingerprint = {id:String} ORDER BY seq DESC LIMIT 1`,
        { id: current },
      );
      // A merged incident keeps its last stored state: its alias says where it went.
      if (alias === undefined || alias.incidentId === current) return row ? incidentFromRow(row) : undefined;
      current = alias.incidentId;
    }
    return undefined;
  }

  /** Occurrences per minute in the `minutes` whole minutes that end with the one holding `endMs`. */
  async histogram(id: string, endMs: number, minutes: number): Promise<Histogram> {
    const toMs = Math.floor(endMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const fromMs = toMs - minutes * MINUTE_MS;
    const rows = await readRows<{ minute: number | string; count: number | string }>(
      this.#transport,
      `SELECT toUnixTimestamp(toStartOfMinute(timestamp)) AS minute, count() AS count
FROM ${this.#tables.occurrences}
WHERE incidentId = {id:String}
  AND timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp < fromUnixTimestamp64Milli({to:Int64})
GROUP BY minute`,
      { id, from: fromMs, to: toMs },
    );
    const counts = new Map(rows.map((row) => [Number(row.minute) * 1000, Number(row.count)]));
    const buckets: HistogramBucket[] = [];
    let total = 0;
    for (let at = fromMs; at < toMs; at += MINUTE_MS) {
      const count = counts.get(at) ?? 0;
      total += count;
      buckets.push({ at: isoFromMs(at), count });
    }
    return { from: isoFromMs(fromMs), to: isoFromMs(toMs), bucketSeconds: MINUTE_MS / 1000, total, buckets };
  }

  /** The incident's audit trail, oldest first (the newest AUDIT_LIMIT entries). */
  async audit(id: string): Promise<AuditView[]> {
    const rows = await readRows<{ stage: AuditStage; at: number | string; detail: string; actor: string }>(
      this.#transport,
      `SELECT stage, toUnixTimestamp64Milli(at) AS at, detail, actor FROM ${this.#tables.audit}
WHERE incidentId = {id:String} ORDER BY at DESC LIMIT ${AUDIT_LIMIT}`,
      { id },
    );
    return rows.reverse().map((row) => ({ stage: row.stage, at: isoFromMs(row.at), detail: row.detail, actor: row.actor }));
  }
}
