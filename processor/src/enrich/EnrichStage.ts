import { summaryOf } from '../group/incidentViews.ts';
import { PIPELINE_ACTOR } from '../group/IncidentTracker.ts';
import type { LiveEventBus } from '../publish/LiveEventBus.ts';
import type {
  Analysis,
  AnalysisSource,
  AuditEntry,
  AuditStage,
  Incident,
  IncidentChange,
  IncidentMerge,
  IncidentStage,
  UnsequencedLiveEvent,
} from '../types.ts';
import type { Analyser, Finding, PastIncident } from './Analyser.ts';
import { GroupCommit } from './GroupCommit.ts';
import { ModelGate } from './ModelGate.ts';
import { OfflineAnalyser } from './OfflineAnalyser.ts';
import type { AnalysisStore, AuditLog, SimilarIncidentFinder } from './ports.ts';

/** What an admin can change while running. */
export interface EnrichSettings {
  /** The model to ask; absent: every analysis is the offline analyser's. */
  model?: Analyser;
  /** Longest wait for a model's answer (the similar-incident lookup and queueing included); the offline answer follows. */
  timeoutMs: number;
  /** Model calls at once; more wait in line (within their time-out). */
  maxConcurrent: number;
  /** Model calls per sliding minute; beyond it the offline analyser answers. */
  ratePerMinute: number;
}

export const DEFAULT_ENRICH_SETTINGS: Readonly<Omit<EnrichSettings, 'model'>> = {
  timeoutMs: 15_000,
  maxConcurrent: 4,
  ratePerMinute: 30,
};

export interface EnrichStageOptions {
  store: AnalysisStore;
  audit: AuditLog;
  publish: LiveEventBus | ((event: UnsequencedLiveEvent) => void);
  similar?: SimilarIncidentFinder;
  offline?: OfflineAnalyser;
  settings?: Partial<EnrichSettings>;
  /** ms since the epoch [Date.now]. */
  clock?: () => number;
  /** Longest wait for similar past incidents [2,000 ms]; the analysis goes on without them. */
  similarTimeoutMs?: number;
  /** After a transient model failure (time-out, 429, 5xx, network), the model is asked again at the next change after this long [10 min]. */
  retryAfterMs?: number;
  /** Told of failures that must not stop the stage: store, audit, lookups [console.error]. */
  onError?: (error: unknown) => void;
}

export interface EnrichStats {
  /** Incident changes the stage heard of. */
  changes: number;
  /** Analyses made (by a model or offline): the rest of the changes were answered by the cache. */
  analyses: number;
  /** Of which a model gave the answer. */
  modelAnswers: number;
  /** Of which the offline analyser answered although a model is configured. */
  fallbacks: number;
  /** Analyses found in the store instead of made (after a restart). */
  fromStore: number;
  running: number;
}

const SIMILAR_LIMIT = 5;

/** What the stage knows of one fingerprint. */
interface Entry {
  latest: Incident;
  analysis?: Analysis;
  running?: Promise<Analysis | undefined>;
  /** A refresh asked for while an analysis was running. */
  queued?: string;
  /** Stores the incident had when analysed (a spread to many more refreshes the analysis). */
  storesAnalysed: number;
  /** Set after a transient model failure: from then on, a change may ask the model again. */
  retryAt?: number;
}

/**
 * The enrich stage: one analysis per fingerprint. A new incident is analysed by the model
 * (when one is configured and within its limits) or by the offline analyser; the analysis is
 * published as `ai.completed`, recorded in the audit trail (ai.pending → [ai.failed →]
 * ai.completed) and stored (analyses and audit entries are written in batches, one write in
 * flight each). Later changes are answered by the cache, except a regression, a spread to
 * many more stores (at least twice as many and three more), or, after a transient model
 * failure, the next change once `retryAfterMs` has passed.
 */
export class EnrichStage implements IncidentStage, AnalysisSource {
  readonly #store: AnalysisStore;
  readonly #saves: GroupCommit<Analysis>;
  readonly #audit: GroupCommit<AuditEntry>;
  readonly #publish: (event: UnsequencedLiveEvent) => void;
  readonly #similar: SimilarIncidentFinder | undefined;
  readonly #offline: OfflineAnalyser;
  readonly #clock: () => number;
  readonly #similarTimeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #onError: (error: unknown) => void;
  #settings: EnrichSettings;
  readonly #gate: ModelGate;
  readonly #entries = new Map<string, Entry>();
  readonly #running = new Set<Promise<Analysis | undefined>>();
  #closed = false;
  readonly #stats = { changes: 0, analyses: 0, modelAnswers: 0, fallbacks: 0, fromStore: 0 };

  constructor(options: EnrichStageOptions) {
    this.#store = options.store;
    this.#saves = new GroupCommit(
      (analyses) => options.store.save(analyses),
      (error) => this.#onError(error),
    );
    this.#audit = new GroupCommit(
      (entries) => options.audit.appendAudit(entries),
      (error) => this.#onError(error),
    );
    const { publish } = options;
    this.#publish = typeof publish === 'function' ? publish : (event) => void publish.publish(event);
    this.#similar = options.similar;
    this.#offline = options.offline ?? new OfflineAnalyser();
    this.#clock = options.clock ?? Date.now;
    this.#similarTimeoutMs = options.similarTimeoutMs ?? 2_000;
    this.#retryAfterMs = options.retryAfterMs ?? 10 * 60_000;
    this.#onError = options.onError ?? ((error) => console.error('stacklens enrich:', error));
    this.#settings = checkedSettings({ ...DEFAULT_ENRICH_SETTINGS, ...options.settings });
    this.#gate = new ModelGate(this.#settings, this.#clock);
  }

  get settings(): Readonly<EnrichSettings> {
    return this.#settings;
  }

  /** Changes the model and limits; analyses from now on use them. @throws RangeError for a bad limit. */
  configure(settings: Partial<EnrichSettings>): void {
    const next = checkedSettings({ ...this.#settings, ...settings });
    this.#gate.setLimits(next);
    this.#settings = next;
  }

  stats(): EnrichStats {
    return { ...this.#stats, running: this.#running.size };
  }

  /** Model calls made so far (the rest were answered offline or by the cache). */
  get modelCalls(): number {
    return this.#gate.calls;
  }

  onIncidentChange(change: IncidentChange): void {
    if (this.#closed) return;
    this.#stats.changes++;
    const { incident } = change;
    const entry = this.#entries.get(incident.id);
    if (entry === undefined) {
      const fresh: Entry = { latest: incident, storesAnalysed: storesOf(incident) };
      this.#entries.set(incident.id, fresh);
      // A new incident cannot have an analysis yet; a known one (after a restart) may have one stored.
      this.#start(fresh, change.kind === 'created' ? 'new incident' : undefined, change.at);
      return;
    }
    entry.latest = incident;
    if (entry.analysis === undefined && entry.running === undefined) {
      // Known only through a merge (or its stored analysis could not be read): analyse, or look in the store first.
      this.#start(entry, change.kind === 'created' ? 'new incident' : undefined, change.at);
      return;
    }
    const reason = this.#refreshReason(entry, change);
    if (reason === undefined) return;
    if (entry.running) entry.queued = reason;
    else this.#start(entry, reason, change.at);
  }

  /**
   * Two incidents became one: the survivor keeps its own analysis; when it has none (in memory or
   * stored) and the absorbed incident has one, that one stands for the survivor from now on
   * (saved under its id, audited, announced). No model is asked for a merge.
   */
  onMerged(merge: IncidentMerge): void {
    if (this.#closed) return;
    const { absorbed, survivor } = merge;
    const from = this.#entries.get(absorbed.id);
    this.#entries.delete(absorbed.id);
    let into = this.#entries.get(survivor.id);
    if (into === undefined) {
      into = { latest: survivor, storesAnalysed: storesOf(survivor) };
      this.#entries.set(survivor.id, into);
    } else into.latest = survivor;
    if (into.analysis !== undefined || into.running !== undefined) return;
    const entry = into;
    this.#track(entry, this.#adopt(entry, absorbed, from?.analysis, merge));
  }

  async #adopt(entry: Entry, absorbed: Incident, known: Analysis | undefined, merge: IncidentMerge): Promise<Analysis | undefined> {
    const survivor = entry.latest;
    const own = await this.#stored(survivor.id);
    if (own) {
      entry.analysis = own;
      return own;
    }
    const theirs = known ?? (await this.#stored(absorbed.id));
    if (!theirs) return undefined;
    const adopted: Analysis = { ...theirs, incidentId: survivor.id, fingerprint: survivor.fingerprint };
    entry.analysis = adopted;
    this.#emit({ type: 'ai.completed', at: this.#clock(), incident: summaryOf(survivor), analysis: adopted });
    this.#audit
      .add({
        incidentId: survivor.id,
        stage: 'merged',
        at: Math.max(this.#clock(), merge.at + 1),
        detail: `the analysis of incident ${absorbed.id} (${adopted.category}, confidence ${adopted.confidence.toFixed(2)}) now stands for this one`,
        actor: merge.actor,
      })
      .catch(() => {});
    await this.#save(adopted);
    return adopted;
  }

  /** The incident's analysis; waits up to `timeoutMs` for one in progress; undefined when there is none. */
  async analysisFor(incidentId: string, timeoutMs: number): Promise<Analysis | undefined> {
    const entry = this.#entries.get(incidentId);
    if (entry?.running) return (await within(entry.running, timeoutMs)) ?? entry.analysis;
    if (entry?.analysis) return entry.analysis;
    try {
      return (await within(this.#store.load([incidentId]), timeoutMs))?.get(incidentId);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  /** The analyses of these incidents: the stage's own where it has one (the newest), the store's otherwise. */
  async analyses(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>> {
    const found = new Map<string, Analysis>();
    const missing: string[] = [];
    for (const id of incidentIds) {
      const analysis = this.#entries.get(id)?.analysis;
      if (analysis) found.set(id, analysis);
      else missing.push(id);
    }
    if (missing.length > 0) for (const [id, analysis] of await this.#store.load(missing)) found.set(id, analysis);
    return found;
  }

  /** Abandons model calls in progress (their incidents get the offline answer) and waits for every analysis to be stored. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#gate.abortAll();
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    await this.#audit.flushed();
  }

  #refreshReason(entry: Entry, change: IncidentChange): string | undefined {
    if (change.kind === 'status') return undefined;
    const { incident } = change;
    if (change.kind === 'regressed') return `regression #${incident.regressions}`;
    const stores = storesOf(incident);
    if (stores >= Math.max(2 * entry.storesAnalysed, entry.storesAnalysed + 3)) {
      return `spread from ${entry.storesAnalysed} to ${stores} stores`;
    }
    if (entry.retryAt !== undefined && this.#clock() >= entry.retryAt && this.#settings.model) {
      return 'another try of the model after a transient failure';
    }
    return undefined;
  }

  /** Runs an analysis (or, without a reason, first looks for a stored one); then any refresh asked for meanwhile. */
  #start(entry: Entry, reason: string | undefined, changeAt: number): void {
    this.#track(entry, this.#work(entry, reason, changeAt));
  }

  /** Keeps `work` as the entry's running analysis; then any refresh asked for meanwhile. */
  #track(entry: Entry, work: Promise<Analysis | undefined>): void {
    const running = work.catch((error: unknown) => {
      this.#onError(error);
      return undefined;
    });
    entry.running = running;
    this.#running.add(running);
    void running.finally(() => {
      this.#running.delete(running);
      if (entry.running === running) entry.running = undefined;
      const queued = entry.queued;
      entry.queued = undefined;
      if (queued !== undefined && !this.#closed) this.#start(entry, queued, this.#clock());
    });
  }

  async #work(entry: Entry, reason: string | undefined, changeAt: number): Promise<Analysis | undefined> {
    if (reason === undefined) {
      const stored = await this.#stored(entry.latest.id);
      if (stored) {
        entry.analysis = stored;
        this.#stats.fromStore++;
        return stored;
      }
    }
    return this.#analyse(entry, reason ?? 'no analysis stored', changeAt);
  }

  async #stored(id: string): Promise<Analysis | undefined> {
    try {
      return (await this.#store.load([id])).get(id);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
  }

  /** `changeAt`: when the change that asked for it happened (its audit entries come after). */
  async #analyse(entry: Entry, reason: string, changeAt: number): Promise<Analysis> {
    const started = this.#clock();
    const { model, timeoutMs } = this.#settings;
    const id = entry.latest.id;
    // The trail is read in time order: this analysis's entries come strictly after the change (the tracker's
    // `detected` has the same millisecond) and after each other.
    let lastAt = Math.max(started, changeAt + 1);
    const nextAt = (): number => (lastAt = Math.max(this.#clock(), lastAt + 1));
    this.#record(
      id,
      'ai.pending',
      lastAt,
      `${reason}: ${model ? `asking ${describe(model)} (time-out ${timeoutMs} ms)` : `answering offline (${this.#offline.model})`}`,
    );
    const similar = await this.#findSimilar(entry.latest, Math.min(this.#similarTimeoutMs, timeoutMs));
    const request = { incident: entry.latest, similar };
    let finding: Finding | undefined;
    let fallbackReason: string | undefined;
    entry.retryAt = undefined;
    if (model && !this.#closed) {
      const outcome = await this.#gate.ask(model, request, started + timeoutMs, timeoutMs);
      if ('finding' in outcome) finding = outcome.finding;
      else {
        fallbackReason = outcome.reason;
        if (outcome.transient) entry.retryAt = this.#clock() + this.#retryAfterMs;
        this.#record(id, 'ai.failed', nextAt(), `${describe(model)}: ${outcome.reason}; the offline analyser answers instead`);
      }
    } else if (model) {
      fallbackReason = 'the receiver closed before the model was asked';
    }
    const analyser: Analyser = finding ? model! : this.#offline;
    finding ??= this.#offline.analyseNow({ incident: entry.latest, similar });
    const analysis = this.#analysisOf(entry.latest, analyser, finding, similar, fallbackReason, started);
    entry.analysis = analysis;
    entry.storesAnalysed = storesOf(entry.latest);
    this.#count(analysis);
    // Announced as soon as made: this receiver serves it from memory (analysisFor, analyses) while it is stored.
    // Should the process die before the write, the incident's next change finds none stored and analyses again.
    this.#emit({ type: 'ai.completed', at: this.#clock(), incident: summaryOf(entry.latest), analysis });
    this.#record(id, 'ai.completed', nextAt(), completedDetail(analysis));
    await this.#save(analysis);
    return analysis;
  }

  #analysisOf(
    incident: Incident,
    analyser: Analyser,
    finding: Finding,
    similar: ReadonlyArray<PastIncident>,
    fallbackReason: string | undefined,
    started: number,
  ): Analysis {
    const now = this.#clock();
    return {
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      analyser: analyser.kind,
      model: analyser.model,
      ...finding,
      similarIncidents: similar.map(({ incidentId, errorType, title, status, ticketKey }) => ({
        incidentId,
        errorType,
        title,
        status,
        ...(ticketKey ? { ticketKey } : {}),
      })),
      ...(fallbackReason === undefined ? {} : { fallbackReason }),
      createdAt: now,
      durationMs: Math.max(0, Math.round(now - started)),
    };
  }

  async #findSimilar(incident: Incident, timeoutMs: number): Promise<PastIncident[]> {
    if (!this.#similar) return [];
    try {
      return (await within(this.#similar.findSimilar(incident, SIMILAR_LIMIT), timeoutMs)) ?? [];
    } catch (error) {
      this.#onError(error);
      return [];
    }
  }

  async #save(analysis: Analysis): Promise<void> {
    // A failure is reported once per batch; the analysis still serves from memory, and the next refresh stores it again.
    await this.#saves.add(analysis).catch(() => {});
  }

  #record(incidentId: string, stage: AuditStage, at: number, detail: string): void {
    // A failed write is reported once for its whole batch (GroupCommit's onError).
    this.#audit.add({ incidentId, stage, at, detail, actor: PIPELINE_ACTOR }).catch(() => {});
  }

  #emit(event: UnsequencedLiveEvent): void {
    try {
      this.#publish(event);
    } catch (error) {
      this.#onError(error);
    }
  }

  #count(analysis: Analysis): void {
    this.#stats.analyses++;
    if (analysis.analyser === 'openai') this.#stats.modelAnswers++;
    if (analysis.fallbackReason !== undefined) this.#stats.fallbacks++;
  }
}

function checkedSettings(settings: EnrichSettings): EnrichSettings {
  if (!Number.isInteger(settings.timeoutMs) || settings.timeoutMs < 1) {
    throw new RangeError(`timeoutMs must be a whole number of milliseconds ≥ 1, got ${settings.timeoutMs}`);
  }
  if (!Number.isInteger(settings.maxConcurrent) || settings.maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a whole number ≥ 1, got ${settings.maxConcurrent}`);
  }
  if (!Number.isInteger(settings.ratePerMinute) || settings.ratePerMinute < 1) {
    throw new RangeError(`ratePerMinute must be a whole number ≥ 1, got ${settings.ratePerMinute}`);
  }
  return settings;
}

function storesOf(incident: Incident): number {
  return Object.keys(incident.storeCounts).length;
}

function describe(model: Analyser): string {
  return `${model.kind} model ${model.model}`;
}

function completedDetail(analysis: Analysis): string {
  const by = analysis.analyser === 'offline' ? `offline (${analysis.model})` : `${analysis.analyser} model ${analysis.model}`;
  const fallback = analysis.fallbackReason ? `; fallback because ${analysis.fallbackReason}` : '';
  return `by ${by}: ${analysis.category}, confidence ${analysis.confidence.toFixed(2)}, ${analysis.durationMs} ms${fallback}`;
}

/** The promise's value, or undefined once `timeoutMs` has passed. */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, timeoutMs), undefined);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
