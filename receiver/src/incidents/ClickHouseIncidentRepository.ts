import type {
  AuditEntry,
  Incident,
  IncidentRepository,
  IncidentSample,
  IncidentStatus,
  Occurrence,
  Severity,
  TicketPolicy,
} from '@stacklens/processor';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { incidentTables, type IncidentTables } from './incidentSchema.ts';

const INCIDENT_COLUMNS = [
  'id',
  'fingerprint',
  'service',
  'errorType',
  'exceptionType',
  'severity',
  'title',
  'ruleId',
  'ticketPolicy',
  'status',
  'count',
  'firstSeen',
  'lastSeen',
  'storeCounts',
  'kioskCounts',
  'samples',
  'regressions',
  'timeToDetectMs',
  'updatedAt',
  'version',
] as const;

const OCCURRENCE_COLUMNS = [
  'incidentId',
  'timestamp',
  'detectedAt',
  'service',
  'errorType',
  'severity',
  'storeId',
  'kioskId',
  'traceId',
  'spanId',
  'body',
  'errorCode',
] as const;

const AUDIT_COLUMNS = ['incidentId', 'stage', 'at', 'detail', 'actor'] as const;

/** An `incidents` row as SELECTed by `loadIncidents` (64-bit integers may arrive quoted). */
interface IncidentRow {
  id: string;
  fingerprint: string;
  service: string;
  errorType: string;
  exceptionType: string;
  severity: string;
  title: string;
  ruleId: string;
  ticketPolicy: string;
  status: string;
  count: number | string;
  firstSeenMs: number | string;
  lastSeenMs: number | string;
  storeCounts: Record<string, number | string>;
  kioskCounts: Record<string, number | string>;
  samples: string;
  regressions: number | string;
  timeToDetectMs: number | string;
  updatedAtMs: number | string;
  version: number | string;
}

/** The SELECT list that turns an `incidents` row back into an Incident (times as ms, timezone-free). */
export const INCIDENT_SELECT = `id, fingerprint, service, errorType, exceptionType, severity, title, ruleId, ticketPolicy,
    status, count, toUnixTimestamp64Milli(firstSeen) AS firstSeenMs, toUnixTimestamp64Milli(lastSeen) AS lastSeenMs,
    storeCounts, kioskCounts, samples, regressions, timeToDetectMs, toUnixTimestamp64Milli(updatedAt) AS updatedAtMs, version`;

/**
 * The processor's IncidentRepository on ClickHouse: each call is one batched
 * JSONCompactEachRow insert. Incident states are versioned so the newest
 * wins when ReplacingMergeTree merges, and reads use FINAL.
 */
export class ClickHouseIncidentRepository implements IncidentRepository {
  readonly tables: IncidentTables;
  readonly #transport: ClickHouseTransport;
  /** The last version written per incident: a state saved in the same millisecond still supersedes. */
  readonly #versions = new Map<string, number>();

  constructor(transport: ClickHouseTransport, database: string) {
    this.#transport = transport;
    this.tables = incidentTables(database);
  }

  async loadIncidents(): Promise<Incident[]> {
    const rows = await this.#transport.query<IncidentRow>(
      `SELECT ${INCIDENT_SELECT} FROM ${this.tables.incidents} FINAL ORDER BY id`,
    );
    return rows.map((row) => {
      this.#versions.set(row.id, Math.max(this.#versions.get(row.id) ?? 0, Number(row.version)));
      return incidentFromRow(row);
    });
  }

  async saveIncidents(incidents: ReadonlyArray<Incident>): Promise<void> {
    if (incidents.length === 0) return;
    let payload = '';
    for (const incident of incidents) payload += `${JSON.stringify(this.#incidentValues(incident))}\n`;
    await this.#transport.insertCompactJson(this.tables.incidents, INCIDENT_COLUMNS, payload);
  }

  async appendOccurrences(occurrences: ReadonlyArray<Occurrence>): Promise<void> {
    if (occurrences.length === 0) return;
    let payload = '';
    for (const o of occurrences) {
      // The nanosecond timestamp goes unquoted: ClickHouse reads a bare integer into DateTime64(9) as ticks.
      payload +=
        `[${JSON.stringify(o.incidentId)},${nanos(o.timestamp)},${Math.trunc(o.detectedAt)},${JSON.stringify(o.service)},` +
        `${JSON.stringify(o.errorType)},${JSON.stringify(o.severity)},${JSON.stringify(o.storeId)},` +
        `${JSON.stringify(o.kioskId)},${JSON.stringify(o.traceId)},${JSON.stringify(o.spanId)},` +
        `${JSON.stringify(o.body)},${JSON.stringify(o.errorCode)}]\n`;
    }
    await this.#transport.insertCompactJson(this.tables.occurrences, OCCURRENCE_COLUMNS, payload);
  }

  async appendAudit(entries: ReadonlyArray<AuditEntry>): Promise<void> {
    if (entries.length === 0) return;
    let payload = '';
    for (const entry of entries) {
      payload += `${JSON.stringify([entry.incidentId, entry.stage, Math.trunc(entry.at), entry.detail, entry.actor])}\n`;
    }
    await this.#transport.insertCompactJson(this.tables.audit, AUDIT_COLUMNS, payload);
  }

  #incidentValues(incident: Incident): unknown[] {
    const updatedAt = Date.parse(incident.updatedAt);
    const version = Math.max(updatedAt, (this.#versions.get(incident.id) ?? 0) + 1);
    this.#versions.set(incident.id, version);
    return [
      incident.id,
      incident.fingerprint,
      incident.service,
      incident.errorType,
      incident.exceptionType,
      incident.severity,
      incident.title,
      incident.ruleId,
      JSON.stringify(incident.ticketPolicy),
      incident.status,
      incident.count,
      Date.parse(incident.firstSeen),
      Date.parse(incident.lastSeen),
      incident.storeCounts,
      incident.kioskCounts,
      JSON.stringify(incident.samples),
      incident.regressions,
      Math.max(0, Math.round(incident.timeToDetectMs)),
      updatedAt,
      version,
    ];
  }
}

export function incidentFromRow(row: IncidentRow): Incident {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    service: row.service,
    errorType: row.errorType,
    exceptionType: row.exceptionType,
    severity: row.severity as Severity,
    title: row.title,
    ruleId: row.ruleId,
    ticketPolicy: JSON.parse(row.ticketPolicy) as TicketPolicy,
    status: row.status as IncidentStatus,
    count: Number(row.count),
    firstSeen: isoFromMs(row.firstSeenMs),
    lastSeen: isoFromMs(row.lastSeenMs),
    storeCounts: numbers(row.storeCounts),
    kioskCounts: numbers(row.kioskCounts),
    samples: JSON.parse(row.samples) as IncidentSample[],
    regressions: Number(row.regressions),
    timeToDetectMs: Number(row.timeToDetectMs),
    updatedAt: isoFromMs(row.updatedAtMs),
  };
}

export type { IncidentRow };

export function isoFromMs(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

function numbers(map: Record<string, number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(map)) out[key] = Number(value);
  return out;
}

// Occurrence timestamps are decimal nanoseconds; anything else would corrupt the JSON line.
function nanos(value: string): string {
  return /^\d{1,20}$/.test(value) ? value : '0';
}
