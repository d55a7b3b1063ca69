import type { Incident, IncidentSample, IncidentStatus, Severity, TicketPolicy } from '@stacklens/processor';

/** An incident's state without its samples: what lists and the API's incident object carry. */
export type IncidentView = Omit<Incident, 'samples'>;

/** An `incidents` row as selected by INCIDENT_VIEW_SELECT (64-bit integers may arrive quoted). */
export interface IncidentViewRow {
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
  regressions: number | string;
  timeToDetectMs: number | string;
  updatedAtMs: number | string;
  version: number | string;
  example: string;
  stormId: string;
  stormSize: number | string;
}

export interface IncidentRow extends IncidentViewRow {
  samples: string;
}

/** The columns of an incident state; times as epoch milliseconds, so the server's timezone never matters. */
export const INCIDENT_VIEW_SELECT = `id, fingerprint, service, errorType, exceptionType, severity, title, ruleId,
    ticketPolicy, status, count, toUnixTimestamp64Milli(firstSeen) AS firstSeenMs,
    toUnixTimestamp64Milli(lastSeen) AS lastSeenMs, storeCounts, kioskCounts, regressions, timeToDetectMs,
    toUnixTimestamp64Milli(updatedAt) AS updatedAtMs, version, example, stormId, stormSize`;

export const INCIDENT_SELECT = `${INCIDENT_VIEW_SELECT}, samples`;

export function incidentViewFromRow(row: IncidentViewRow): IncidentView {
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
    regressions: Number(row.regressions),
    timeToDetectMs: Number(row.timeToDetectMs),
    updatedAt: isoFromMs(row.updatedAtMs),
    // Incidents stored before migration 0010 have none: their latest sample is the example.
    example: row.example,
    ...(row.stormId === '' ? {} : { stormId: row.stormId }),
    ...(Number(row.stormSize) === 0 ? {} : { stormSize: Number(row.stormSize) }),
  };
}

export function incidentFromRow(row: IncidentRow): Incident {
  const samples = JSON.parse(row.samples) as IncidentSample[];
  const view = incidentViewFromRow(row);
  return { ...view, example: view.example || (samples.at(-1)?.body ?? ''), samples };
}

export function isoFromMs(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}

/** Decimal nanoseconds since the epoch → ISO 8601 (milliseconds). */
export function isoFromNanos(nanos: string): string {
  return new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
}

function numbers(map: Record<string, number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(map)) out[key] = Number(value);
  return out;
}
