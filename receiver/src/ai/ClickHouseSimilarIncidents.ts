import type { Analysis, Fix, Incident, IncidentStatus } from '@stacklens/processor';
import type { PastIncident, SimilarIncidentFinder } from '@stacklens/processor/enrich';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';

export interface SimilarIncidentTables {
  incidents: string;
  analyses: string;
  links: string;
}

/**
 * How far apart two masked messages may be (ClickHouse's ngramDistanceUTF8: 0 = the same
 * 4-grams, 1 = none shared) to count as close. Measured on the POS messages: variants of one
 * error score 0.13–0.46 ("Product <n> has no price" against "Product <n> (Mystery Product) has
 * no price": 0.32); different errors 0.68 and more, even with words in common.
 */
export const CLOSE_MESSAGE_DISTANCE = 0.5;

/** Error types of the generic rules: sharing one says nothing, so only a close message makes those similar. */
const GENERIC_ERROR_TYPES = ['LOG_ERROR', 'LOG_EXCEPTION', 'LOG_FATAL'];

interface SimilarRow {
  id: string;
  errorType: string;
  title: string;
  status: IncidentStatus;
  analysis: string;
  ticketKey: string;
  ticketStatusCategory: string;
}

/**
 * Past incidents like this one, from ClickHouse: the same (specific) error type or a close
 * message, same type first, then the closest messages, then the most recent; each with its
 * stored analysis (root cause, fixes) and its Jira ticket from `jira_links`.
 */
export class ClickHouseSimilarIncidents implements SimilarIncidentFinder {
  readonly #transport: ClickHouseTransport;
  readonly #tables: SimilarIncidentTables;

  constructor(transport: ClickHouseTransport, tables: SimilarIncidentTables) {
    this.#transport = transport;
    this.#tables = tables;
  }

  async findSimilar(incident: Incident, limit: number): Promise<PastIncident[]> {
    const { incidents, analyses, links } = this.#tables;
    const rows = await this.#transport.query<SimilarRow>(
      `SELECT i.id AS id, i.errorType AS errorType, i.title AS title, i.status AS status,
              ngramDistanceUTF8(i.title, {title:String}) AS distance,
              a.analysis AS analysis, l.issueKey AS ticketKey, l.statusCategory AS ticketStatusCategory
       FROM (SELECT id, fingerprint, errorType, title, status, lastSeen FROM ${incidents} FINAL WHERE id != {id:String}) AS i
       LEFT JOIN (SELECT incidentId, analysis FROM ${analyses} FINAL) AS a ON a.incidentId = i.id
       LEFT JOIN (SELECT fingerprint, issueKey, statusCategory FROM ${links} FINAL WHERE deleted = 0) AS l ON l.fingerprint = i.fingerprint
       WHERE (i.errorType = {errorType:String} AND i.errorType NOT IN {generic:Array(String)}) OR distance < {close:Float64}
       ORDER BY i.errorType = {errorType:String} DESC, distance ASC, i.lastSeen DESC
       LIMIT {limit:UInt32}
       SETTINGS join_use_nulls = 0`,
      { id: incident.id, title: incident.title, errorType: incident.errorType, generic: GENERIC_ERROR_TYPES, close: CLOSE_MESSAGE_DISTANCE, limit },
    );
    return rows.map(pastIncidentOf);
  }
}

function pastIncidentOf(row: SimilarRow): PastIncident {
  const analysis = row.analysis ? (JSON.parse(row.analysis) as Analysis) : undefined;
  return {
    incidentId: row.id,
    errorType: row.errorType,
    title: row.title,
    status: row.status,
    ...(row.ticketKey ? { ticketKey: row.ticketKey, ticketStatusCategory: row.ticketStatusCategory } : {}),
    fixes: analysis?.fixes.map((fix: Fix) => ({ ...fix })) ?? [],
    ...(analysis
      ? { rootCause: analysis.rootCause, category: analysis.category, analyser: analysis.analyser, confidence: analysis.confidence }
      : {}),
  };
}
