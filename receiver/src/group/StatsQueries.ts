import { SEVERITIES, type Severity } from '@stacklens/processor';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import type { IncidentTables } from './incidentSchema.ts';
import { readRows } from '../store/StoreReadError.ts';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  /** How many values they were computed from. */
  samples: number;
}

export interface SeverityStats {
  incidents: number;
  open: number;
  occurrences: number;
}

export interface StoreStats {
  storeId: string;
  occurrences: number;
  incidents: number;
}

export interface Stats {
  totals: { incidents: number; occurrences: number; openIncidents: number };
  bySeverity: Record<Severity, SeverityStats>;
  /** CRITICAL incidents, and those of them not resolved. */
  critical: { incidents: number; open: number };
  /** Incidents with a created ticket that are not resolved (0 until the ticket stage creates tickets). */
  openTickets: number;
  perStore: StoreStats[];
  /** Milliseconds from a record's own timestamp to its detection, over all occurrences kept. */
  timeToDetectMs: Percentiles | null;
  /** Milliseconds from an incident's first occurrence to its first `ticket.created`; null until a ticket exists. */
  timeToTicketMs: Percentiles | null;
}

type Num = number | string;
/** How many stores the per-store breakdown lists, busiest first. */
export const STORE_LIMIT = 100;

/** The figures of `GET /api/stats`, from the incident tables over the whole retention. */
export class StatsQueries {
  readonly #transport: ClickHouseTransport;
  readonly #tables: IncidentTables;

  constructor(transport: ClickHouseTransport, tables: IncidentTables) {
    this.#transport = transport;
    this.#tables = tables;
  }

  async stats(): Promise<Stats> {
    const { incidents, occurrences, audit } = this.#tables;
    const [incidentRows, occurrenceRows, storeRows, detectRows, ticketRows, openTicketRows] = await Promise.all([
      this.#read<{ severity: string; incidents: Num; open: Num }>(
        `SELECT severity, count() AS incidents, countIf(status != 'resolved') AS open FROM ${incidents} FINAL GROUP BY severity`,
      ),
      this.#read<{ severity: string; occurrences: Num }>(`SELECT severity, count() AS occurrences FROM ${occurrences} GROUP BY severity`),
      this.#read<{ storeId: string; occurrences: Num; incidents: Num }>(
        `SELECT storeId, count() AS occurrences, uniqExact(incidentId) AS incidents FROM ${occurrences}
WHERE storeId != '' GROUP BY storeId ORDER BY occurrences DESC, storeId LIMIT ${STORE_LIMIT}`,
      ),
      this.#read<{ samples: Num; q: Array<number | null> }>(
        `SELECT count() AS samples,
    quantiles(0.5, 0.95, 0.99)(greatest(toUnixTimestamp64Milli(detectedAt) - toUnixTimestamp64Milli(timestamp), 0)) AS q
FROM ${occurrences}`,
      ),
      this.#read<{ samples: Num; q: Array<number | null> }>(
        `SELECT count() AS samples, quantiles(0.5, 0.95, 0.99)(greatest(t.createdMs - i.firstSeenMs, 0)) AS q
FROM (SELECT incidentId, toUnixTimestamp64Milli(min(at)) AS createdMs FROM ${audit}
      WHERE stage = 'ticket.created' GROUP BY incidentId) AS t
INNER JOIN (SELECT id, toUnixTimestamp64Milli(firstSeen) AS firstSeenMs FROM ${incidents} FINAL) AS i ON t.incidentId = i.id`,
      ),
      this.#read<{ openTickets: Num }>(
        `SELECT count() AS openTickets FROM ${incidents} FINAL
WHERE status != 'resolved' AND id IN (SELECT incidentId FROM ${audit} WHERE stage = 'ticket.created')`,
      ),
    ]);

    const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, { incidents: 0, open: 0, occurrences: 0 }])) as Record<
      Severity,
      SeverityStats
    >;
    const totals = { incidents: 0, occurrences: 0, openIncidents: 0 };
    for (const row of incidentRows) {
      const entry = bySeverity[row.severity as Severity];
      if (entry) {
        entry.incidents = Number(row.incidents);
        entry.open = Number(row.open);
      }
      totals.incidents += Number(row.incidents);
      totals.openIncidents += Number(row.open);
    }
    for (const row of occurrenceRows) {
      const entry = bySeverity[row.severity as Severity];
      if (entry) entry.occurrences = Number(row.occurrences);
      totals.occurrences += Number(row.occurrences);
    }
    return {
      totals,
      bySeverity,
      critical: { incidents: bySeverity.CRITICAL.incidents, open: bySeverity.CRITICAL.open },
      openTickets: Number(openTicketRows[0]?.openTickets ?? 0),
      perStore: storeRows.map((row) => ({
        storeId: row.storeId,
        occurrences: Number(row.occurrences),
        incidents: Number(row.incidents),
      })),
      timeToDetectMs: percentiles(detectRows[0]),
      timeToTicketMs: percentiles(ticketRows[0]),
    };
  }

  #read<Row>(sql: string): Promise<Row[]> {
    return readRows<Row>(this.#transport, sql);
  }
}

function percentiles(row: { samples: Num; q: Array<number | null> } | undefined): Percentiles | null {
  const samples = Number(row?.samples ?? 0);
  if (!row || samples === 0) return null;
  const [p50, p95, p99] = row.q.map((value) => (Number.isFinite(value) ? Math.round(Number(value)) : 0));
  return { p50: p50 ?? 0, p95: p95 ?? 0, p99: p99 ?? 0, samples };
}
