import type { AuditEntry, GroupingState, Incident, IncidentRepository, Occurrence } from '@stacklens/processor';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { INCIDENT_SELECT, incidentFromRow, type IncidentRow } from './incidentRow.ts';
import { groupingTables, type GroupingTables } from './groupingSchema.ts';
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
  'example',
  'stormId',
  'stormSize',
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
const TEMPLATE_COLUMNS = ['scope', 'template', 'removed', 'updatedAt', 'version'] as const;
const ALIAS_COLUMNS = ['fingerprint', 'incidentId', 'at', 'seq', 'actor'] as const;

/**
 * The processor's IncidentRepository on ClickHouse: each call is one batched
 * JSONCompactEachRow insert. Incident states are versioned so the newest
 * wins when ReplacingMergeTree merges, and reads use FINAL.
 */
export class ClickHouseIncidentRepository implements IncidentRepository {
  readonly tables: IncidentTables;
  readonly groupingTables: GroupingTables;
  readonly #transport: ClickHouseTransport;
  /** Template rows get versions that never go back, like incident states. */
  #templateVersion = 0;
  #aliasSequence = 0;
  readonly #clock: () => number;
  /** The last version written per incident: a state saved in the same millisecond still supersedes. */
  readonly #versions = new Map<string, number>();

  constructor(transport: ClickHouseTransport, database: string, clock: () => number = Date.now) {
    this.#transport = transport;
    this.tables = incidentTables(database);
    this.groupingTables = groupingTables(database);
    this.#clock = clock;
  }

  /** The templates (newest state of each, not removed) and every alias in the order made. */
  async loadGrouping(): Promise<GroupingState> {
    const [templates, aliases] = await Promise.all([
      this.#transport.query<{ scope: string; template: string }>(
        `SELECT scope, template FROM ${this.groupingTables.templates} FINAL WHERE removed = 0 ORDER BY updatedAt, scope, template`,
      ),
      this.#transport.query<{ fingerprint: string; incidentId: string }>(
        `SELECT fingerprint, incidentId FROM ${this.groupingTables.aliases} ORDER BY seq, fingerprint`,
      ),
    ]);
    return { templates, aliases };
  }

  /** New and generalised templates (the old text marked removed) and new aliases, in one insert each. */
  async saveGrouping(changes: GroupingState): Promise<void> {
    const now = this.#clock();
    const writes: Promise<void>[] = [];
    if (changes.templates.length > 0) {
      let payload = '';
      for (const { scope, template, replaces } of changes.templates) {
        if (replaces !== undefined) payload += `${JSON.stringify([scope, replaces, 1, now, this.#nextTemplateVersion(now)])}\n`;
        payload += `${JSON.stringify([scope, template, 0, now, this.#nextTemplateVersion(now)])}\n`;
      }
      writes.push(this.#transport.insertCompactJson(this.groupingTables.templates, TEMPLATE_COLUMNS, payload));
    }
    if (changes.aliases.length > 0) {
      let payload = '';
      for (const { fingerprint, incidentId } of changes.aliases) {
        payload += `${JSON.stringify([fingerprint, incidentId, now, String(this.#nextSequence(now)), 'stacklens'])}\n`;
      }
      writes.push(this.#transport.insertCompactJson(this.groupingTables.aliases, ALIAS_COLUMNS, payload));
    }
    await Promise.all(writes);
  }

  #nextTemplateVersion(now: number): number {
    // Microseconds: several states of one template in one flush still order.
    this.#templateVersion = Math.max(now * 1_000, this.#templateVersion + 1);
    return this.#templateVersion;
  }

  #nextSequence(now: number): number {
    this.#aliasSequence = Math.max(now * 1_000, this.#aliasSequence + 1);
    return this.#aliasSequence;
  }

  async loadIncidents(): Promise<Incident[]> {
    const rows = await this.#transport.query<IncidentRow>(`SELECT ${INCIDENT_SELECT} FROM ${this.tables.incidents} FINAL ORDER BY id`);
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
      incident.example ?? '',
      incident.stormId ?? '',
      incident.stormSize ?? 0,
    ];
  }
}

// Occurrence timestamps are decimal nanoseconds; anything else would corrupt the JSON line.
function nanos(value: string): string {
  return /^\d{1,20}$/.test(value) ? value : '0';
}
