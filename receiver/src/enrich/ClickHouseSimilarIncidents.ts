import type { Analysis, Incident, IncidentStatus } from '@stacklens/processor';
import type { PastIncident, SimilarIncidentFinder } from '@stacklens/processor/enrich';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { ngramDistance, ngramsOf, type Ngrams } from './ngramDistance.ts';

export interface SimilarIncidentTables {
  incidents: string;
  analyses: string;
  links: string;
}

export interface SimilarIncidentOptions {
  /** How often the snapshot is read again from ClickHouse [30 s]. */
  refreshMs?: number;
  /** Most recently seen incidents kept [5,000]. */
  maxIncidents?: number;
  onError?: (error: unknown) => void;
}

/**
 * How far apart two masked messages may be (4-gram distance, as ClickHouse's
 * ngramDistanceUTF8: 0 = the same 4-grams, 1 = none shared) to count as close. Measured on the
 * POS messages: variants of one error 0.18–0.46 ("Product <n> has no price" against "Product
 * <n> (Mystery Product) has no price": 0.37); different errors 0.75, even with words in common.
 */
export const CLOSE_MESSAGE_DISTANCE = 0.5;

/** Error types of the generic rules: sharing one says nothing, so only a close message makes those similar. */
const GENERIC_ERROR_TYPES = new Set(['LOG_ERROR', 'LOG_EXCEPTION', 'LOG_FATAL']);

interface Known {
  id: string;
  fingerprint: string;
  errorType: string;
  title: string;
  status: IncidentStatus;
  lastSeenMs: number;
  grams: Ngrams;
}

interface Link {
  issueKey: string;
  statusCategory: string;
}

/**
 * Past incidents like this one: the same (specific) error type or a close message, same type
 * first, then the closest messages, then the most recent; each with its analysis (root cause,
 * fixes) and its Jira ticket (`jira_links`).
 *
 * Answered from memory: a snapshot of the incidents, analyses and links read from ClickHouse
 * in the background, kept current with every incident asked about and every analysis saved
 * here. Under a heavy ingest, a query per analysis waits behind the log inserts for seconds
 * (measured); the snapshot keeps the lookup in microseconds. Other receivers' changes arrive
 * with the next refresh.
 */
export class ClickHouseSimilarIncidents implements SimilarIncidentFinder {
  readonly #transport: ClickHouseTransport;
  readonly #tables: SimilarIncidentTables;
  readonly #refreshMs: number;
  readonly #maxIncidents: number;
  readonly #onError: (error: unknown) => void;
  #incidents = new Map<string, Known>();
  #analyses = new Map<string, Analysis>();
  #links = new Map<string, Link>();
  #loaded: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(transport: ClickHouseTransport, tables: SimilarIncidentTables, options: SimilarIncidentOptions = {}) {
    this.#transport = transport;
    this.#tables = tables;
    this.#refreshMs = options.refreshMs ?? 30_000;
    this.#maxIncidents = options.maxIncidents ?? 5_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** Reads the snapshot now (a failure is reported and retried at the next refresh), then every refreshMs. */
  start(): Promise<void> {
    this.#loaded ??= this.refresh().catch(this.#onError);
    this.#timer ??= setInterval(() => void this.refresh().catch(this.#onError), this.#refreshMs);
    this.#timer.unref();
    return this.#loaded;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    const [incidents, analyses, links] = await Promise.all([
      this.#transport.query<Omit<Known, 'grams' | 'lastSeenMs'> & { lastSeenMs: string | number }>(
        `SELECT id, fingerprint, errorType, title, status, toUnixTimestamp64Milli(lastSeen) AS lastSeenMs
         FROM ${this.#tables.incidents} FINAL ORDER BY lastSeen DESC LIMIT {limit:UInt32}`,
        { limit: this.#maxIncidents },
      ),
      this.#transport.query<{ analysis: string }>(
        `SELECT analysis FROM ${this.#tables.analyses} FINAL ORDER BY createdAt DESC LIMIT {limit:UInt32}`,
        { limit: this.#maxIncidents },
      ),
      this.#transport.query<{ fingerprint: string } & Link>(
        `SELECT fingerprint, issueKey, statusCategory FROM ${this.#tables.links} FINAL WHERE deleted = 0`,
      ),
    ]);
    const known = new Map<string, Known>(
      incidents.map((row) => [
        row.id,
        { ...row, lastSeenMs: Number(row.lastSeenMs), grams: this.#incidents.get(row.id)?.grams ?? ngramsOf(row.title) },
      ]),
    );
    // What this receiver learnt since the query began is newer than the snapshot.
    for (const [id, incident] of this.#incidents) if ((known.get(id)?.lastSeenMs ?? -1) < incident.lastSeenMs) known.set(id, incident);
    const analysisOf = new Map<string, Analysis>();
    for (const row of analyses) {
      const analysis = JSON.parse(row.analysis) as Analysis;
      analysisOf.set(analysis.incidentId, analysis);
    }
    for (const [id, analysis] of this.#analyses)
      if ((analysisOf.get(id)?.createdAt ?? -1) < analysis.createdAt) analysisOf.set(id, analysis);
    this.#incidents = known;
    this.#analyses = analysisOf;
    this.#links = new Map(links.map(({ fingerprint, issueKey, statusCategory }) => [fingerprint, { issueKey, statusCategory }]));
  }

  /** An analysis saved here: past incidents asked about later carry it at once. */
  noteAnalyses(analyses: ReadonlyArray<Analysis>): void {
    for (const analysis of analyses) this.#analyses.set(analysis.incidentId, analysis);
  }

  async findSimilar(incident: Incident, limit: number): Promise<PastIncident[]> {
    await this.#loaded;
    const generic = GENERIC_ERROR_TYPES.has(incident.errorType);
    const grams = ngramsOf(incident.title);
    const found: Array<{ known: Known; sameType: boolean; distance: number }> = [];
    for (const known of this.#incidents.values()) {
      if (known.id === incident.id) continue;
      const sameType = !generic && known.errorType === incident.errorType;
      const distance = ngramDistance(known.grams, grams);
      if (sameType || distance < CLOSE_MESSAGE_DISTANCE) found.push({ known, sameType, distance });
    }
    found.sort((a, b) => Number(b.sameType) - Number(a.sameType) || a.distance - b.distance || b.known.lastSeenMs - a.known.lastSeenMs);
    this.#remember(incident, grams);
    return found.slice(0, limit).map(({ known }) => this.#pastIncident(known));
  }

  #remember(incident: Incident, grams: Ngrams): void {
    const { id, fingerprint, errorType, title, status } = incident;
    this.#incidents.set(id, { id, fingerprint, errorType, title, status, lastSeenMs: Date.parse(incident.lastSeen), grams });
    if (this.#incidents.size > this.#maxIncidents) {
      // Forget the least recently seen.
      const oldest = [...this.#incidents.values()].reduce((a, b) => (a.lastSeenMs <= b.lastSeenMs ? a : b));
      this.#incidents.delete(oldest.id);
    }
  }

  #pastIncident(known: Known): PastIncident {
    const analysis = this.#analyses.get(known.id);
    const link = this.#links.get(known.fingerprint);
    return {
      incidentId: known.id,
      errorType: known.errorType,
      title: known.title,
      status: known.status,
      ...(link?.issueKey ? { ticketKey: link.issueKey, ticketStatusCategory: link.statusCategory } : {}),
      fixes: analysis?.fixes.map((fix) => ({ ...fix })) ?? [],
      ...(analysis
        ? { rootCause: analysis.rootCause, category: analysis.category, analyser: analysis.analyser, confidence: analysis.confidence }
        : {}),
    };
  }
}
