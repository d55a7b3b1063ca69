import type { Analysis, AnalysisCategory, Fix, Incident, SimilarIncident } from '../types.ts';

/** A past incident that looks like the one analysed, with what was found and done about it. */
export interface PastIncident extends SimilarIncident {
  /** Its analysis's root cause and fixes, when it had one. */
  rootCause?: string;
  fixes: Fix[];
  analyser?: Analysis['analyser'];
  confidence?: number;
  category?: Analysis['category'];
  /** The Jira status category of its ticket ('done' means someone closed it). */
  ticketStatusCategory?: string;
}

/** What an analyser is asked about. */
export interface AnalysisRequest {
  incident: Incident;
  /** Most alike first. */
  similar: ReadonlyArray<PastIncident>;
}

/** What an analyser answers: the part of an Analysis that depends on who analysed. */
export interface Finding {
  rootCause: string;
  category: AnalysisCategory;
  /** Ranked, best first (rank 1, 2, …). */
  fixes: Fix[];
  confidence: number;
  summary: string;
}

/** One way of analysing an incident: a model behind an OpenAI-compatible API, or the offline knowledge base. */
export interface Analyser {
  readonly kind: Analysis['analyser'];
  /** The model's name, or the knowledge base's version. */
  readonly model: string;
  /**
   * @throws AnalyserError when no usable answer came (the stage answers offline instead).
   * The signal aborts a call the stage no longer waits for.
   */
  analyse(request: AnalysisRequest, signal: AbortSignal): Promise<Finding>;
}

/**
 * Why a model gave no usable answer. `transient` failures (time-out, rate limit, outage,
 * network) are worth another try later; the others (refusal, malformed answer, rejected
 * request, bad key) are not until something changes.
 */
export type AnalyserFailure =
  'timeout' | 'rate-limited' | 'unavailable' | 'unreachable' | 'refused' | 'malformed' | 'rejected' | 'unauthorized';

const TRANSIENT: ReadonlySet<AnalyserFailure> = new Set(['timeout', 'rate-limited', 'unavailable', 'unreachable']);

export class AnalyserError extends Error {
  override name = 'AnalyserError';
  readonly failure: AnalyserFailure;

  constructor(failure: AnalyserFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.failure = failure;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.failure);
  }
}
