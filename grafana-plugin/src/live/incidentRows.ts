import type { AnalysisGist, IncidentListItem, IncidentSummary, LiveEvent, TicketLink } from '../types.ts';

/** One row of the live table: the incident as last heard of, with its AI and Jira state. */
export interface IncidentRow extends IncidentSummary, Pick<IncidentListItem, 'stormId' | 'stormSize'> {
  analysis: AnalysisGist | null;
  ticket: TicketLink | null;
  /** Jira's error when the last attempt to file a ticket failed; cleared by a ticket. */
  ticketError: string | null;
  /** Occurrences per minute when the last spike was flagged. */
  spikePerMinute: number | null;
  /** ms since the epoch of the last live event that touched the row (for highlighting). */
  touchedAt: number | null;
  /** A real message of the incident, as logged: the receiver's example, else the latest the live feed delivered. */
  example: string | null;
  /** Set when the live feed said this incident holds a storm (StormGuard): how many new incidents, in what window. */
  storm: { newIncidents: number; windowSeconds: number } | null;
  /**
   * Known only from the feed's replay of past events (its backfill on connecting): no snapshot
   * listed it and no event since spoke of it. Such a row may stand for an incident merged away
   * whose `incident.merged` has left the feed's replay (it keeps the last 500 events), so a
   * complete snapshot without it removes it.
   */
  replayedOnly: boolean;
}

/** What a row keeps across snapshots: what only the live feed tells. */
type LiveOnly = Pick<IncidentRow, 'ticketError' | 'spikePerMinute' | 'touchedAt' | 'example' | 'storm'>;
const NO_LIVE_STATE: LiveOnly & Pick<IncidentRow, 'replayedOnly'> = {
  ticketError: null,
  spikePerMinute: null,
  touchedAt: null,
  example: null,
  storm: null,
  replayedOnly: false,
};
const liveStateOf = ({ ticketError, spikePerMinute, touchedAt, example, storm }: IncidentRow): LiveOnly => ({
  ticketError,
  spikePerMinute,
  touchedAt,
  example,
  storm,
});

export type IncidentRows = ReadonlyMap<string, IncidentRow>;

export function rowFromListItem(item: IncidentListItem): IncidentRow {
  return {
    id: item.id,
    fingerprint: item.fingerprint,
    service: item.service,
    errorType: item.errorType,
    severity: item.severity,
    title: item.title,
    status: item.status,
    count: item.count,
    firstSeen: item.firstSeen,
    lastSeen: item.lastSeen,
    storeCounts: item.storeCounts,
    kioskCounts: item.kioskCounts,
    regressions: item.regressions,
    analysis: item.analysis,
    ticket: item.ticket,
    ...(item.stormId === undefined ? {} : { stormId: item.stormId }),
    ...(item.stormSize === undefined ? {} : { stormSize: item.stormSize }),
    ...NO_LIVE_STATE,
    example: item.example || null,
  };
}

/**
 * Merges a REST snapshot into the rows. A snapshot can be older than events already applied
 * (it was requested before they arrived), so a row keeps its state when it has seen more
 * occurrences than the snapshot reports. A `complete` snapshot (every incident, not one page of
 * them) removes the rows only the feed's replay knew of and it does not list: merged away since.
 */
export function mergeSnapshot(rows: IncidentRows, items: readonly IncidentListItem[], complete = false): IncidentRows {
  const next = new Map(rows);
  if (complete) {
    const listed = new Set(items.map((item) => item.id));
    for (const row of rows.values()) if (row.replayedOnly && !listed.has(row.id)) next.delete(row.id);
  }
  for (const item of items) {
    const current = next.get(item.id);
    if (current && current.count > item.count) {
      if (current.replayedOnly) next.set(item.id, { ...current, replayedOnly: false });
      continue;
    }
    const fresh = rowFromListItem(item);
    next.set(item.id, current ? { ...fresh, ...liveStateOf(current), example: fresh.example ?? current.example } : fresh);
  }
  return next;
}

/** The rows after one live event (`replayed`: from the feed's backfill); the same map when the event changes nothing. */
export function applyLiveEvent(rows: IncidentRows, event: LiveEvent, replayed = false): IncidentRows {
  if (event.type === 'error.detected') {
    // The incident.updated of the same tick carries the counts; this one brings a real message
    // (kept only where the receiver sent none: its example is the incident's first message).
    const row = rows.get(event.incidentId);
    if (!row || event.body === '' || row.example !== null) return rows;
    return new Map(rows).set(row.id, { ...row, example: event.body });
  }
  if (event.type === 'incident.merged') {
    // Its id resolves to the survivor now; the survivor's own row gets the counts (incident.updated).
    if (!rows.has(event.incident.id)) return rows;
    const next = new Map(rows);
    next.delete(event.incident.id);
    return next;
  }
  const current = rows.get(event.incident.id);
  if (event.type === 'incident.unmerged') {
    // Back as it was when merged, whatever the row (if any) said: its counts are its own again.
    const base = current ? { ...current, ...event.incident } : { ...event.incident, analysis: null, ticket: null, ...NO_LIVE_STATE };
    return new Map(rows).set(event.incident.id, {
      ...base,
      touchedAt: event.at,
      replayedOnly: replayed && (current?.replayedOnly ?? true),
    });
  }
  // A replayed or late event must not wind a row back to fewer occurrences.
  const replayedOnly = replayed && (current?.replayedOnly ?? true);
  if (current && current.count > event.incident.count) return withExtras(rows, { ...current, replayedOnly }, event);
  const base: IncidentRow = current
    ? { ...current, ...event.incident }
    : { ...event.incident, analysis: null, ticket: null, ...NO_LIVE_STATE };
  return withExtras(rows, { ...base, touchedAt: event.at, replayedOnly }, event);
}

function withExtras(rows: IncidentRows, row: IncidentRow, event: Exclude<LiveEvent, { type: 'error.detected' }>): IncidentRows {
  const next = new Map(rows);
  switch (event.type) {
    case 'ai.completed':
      row = {
        ...row,
        analysis: {
          analyser: event.analysis.analyser,
          summary: event.analysis.summary,
          category: event.analysis.category,
          confidence: event.analysis.confidence,
        },
      };
      break;
    case 'ticket.created':
    case 'ticket.updated':
      row = { ...row, ticket: event.ticket, ticketError: null };
      break;
    case 'ticket.failed':
      row = { ...row, ticketError: event.error };
      break;
    case 'spike':
      row = { ...row, spikePerMinute: event.ratePerMinute };
      break;
    case 'storm':
      row = { ...row, storm: { newIncidents: event.newIncidents, windowSeconds: event.windowSeconds } };
      break;
    default:
      break;
  }
  next.set(row.id, row);
  return next;
}

export interface RowFilter {
  severity: string[];
  status: string[];
  service: string;
  store: string;
  search: string;
}

export const EMPTY_FILTER: RowFilter = { severity: [], status: [], service: '', store: '', search: '' };

/**
 * The rows the filters let through, most recently seen first. With a search, a row passes when
 * its own text holds it (checked here, so a row the live feed just added shows at once) or when
 * the receiver's search (`/api/incidents?text=`, which also reads the samples' raw messages and
 * attributes) returned it: `serverMatches`.
 */
export function visibleRows(rows: IncidentRows, filter: RowFilter, limit = Infinity, serverMatches?: ReadonlySet<string>): IncidentRow[] {
  const search = filter.search.trim().toLowerCase();
  return [...rows.values()]
    .filter((row) => filter.severity.length === 0 || filter.severity.includes(row.severity))
    .filter((row) => filter.status.length === 0 || filter.status.includes(row.status))
    .filter((row) => filter.service === '' || row.service === filter.service)
    .filter((row) => filter.store === '' || (row.storeCounts[filter.store] ?? 0) > 0)
    .filter(
      (row) =>
        search === '' ||
        serverMatches?.has(row.id) === true ||
        [
          row.title,
          row.errorType,
          row.service,
          row.ticket?.key ?? '',
          row.example ?? '',
          ...Object.keys(row.storeCounts),
          ...Object.keys(row.kioskCounts),
        ].some((text) => text.toLowerCase().includes(search)),
    )
    .sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen) || b.count - a.count)
    .slice(0, limit);
}
