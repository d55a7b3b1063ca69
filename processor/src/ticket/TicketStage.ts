import type { Analysis, AuditStage, Incident, IncidentChange, IncidentMerge, IncidentStage, TicketLink } from '../types.ts';
import { shouldComment, type CommentThrottleOptions, type LastUpdate } from './commentThrottle.ts';
import type { JiraSettings } from './JiraSettings.ts';
import { OccurrenceWindow } from './OccurrenceWindow.ts';
import { confidenceGate } from './confidenceGate.ts';
import { commentJobId, createJobId, newJob, reopenJobId, type JobKind, type OutboxJob } from './outbox.ts';
import type { TicketContext } from './TicketContext.ts';

export interface TicketStageOptions {
  /** How long an automatic ticket waits for the incident's analysis [3 s]. */
  analysisWaitMs?: number;
  /** Overrides the settings' comment interval (tests) and the doubling gap [60 s]. */
  throttle?: Partial<CommentThrottleOptions>;
  /** Told when a job was queued (the outbox worker wakes). */
  onQueued?: (job: OutboxJob) => void;
  /** A fingerprint's link and jobs are read from the store again after this long (other receivers change them) [5 s]. */
  refreshMs?: number;
}

/** What a manual ticket request found or did. */
export type TicketRequestResult = { status: 'linked'; ticket: TicketLink } | { status: 'queued'; job: OutboxJob };

interface FingerprintState {
  window: OccurrenceWindow;
  link?: TicketLink;
  /** The latest create or reopen job. */
  filing?: OutboxJob;
  /** The ticket's last update by StackLens, for the comment throttle. */
  lastUpdate?: LastUpdate;
  /** Skip reasons already written to the audit trail (once each). */
  skipped: Set<string>;
  /** When the link and jobs were last read from the store; 0 never. */
  loadedAt: number;
}

const ACTOR = 'stacklens';

/**
 * The ticket stage (an IncidentStage after enrich): decides, for every incident change, whether
 * its fingerprint gets a ticket, a recurrence comment or a reopened ticket, and queues that in
 * the durable outbox. One open ticket per fingerprint: the link table is asked first, the
 * outbox's job ids are per fingerprint and generation, and the worker checks both again
 * before calling Jira. Work for one fingerprint runs in order; different ones run side by side.
 */
export class TicketStage implements IncidentStage {
  readonly #context: TicketContext;
  readonly #options: TicketStageOptions;
  readonly #states = new Map<string, FingerprintState>();
  readonly #chains = new Map<string, Promise<unknown>>();
  /** The latest snapshot of each incident this stage heard of (the worker's incidentFor reads it first). */
  readonly #incidents = new Map<string, Incident>();

  constructor(context: TicketContext, options: TicketStageOptions = {}) {
    this.#context = context;
    this.#options = options;
  }

  onIncidentChange(change: IncidentChange): void {
    this.#incidents.set(change.incident.id, change.incident);
    const state = this.#state(change.incident.fingerprint);
    state.window.add(change.at, change.occurrences);
    void this.#serially(change.incident.fingerprint, () => this.#consider(change, state));
  }

  onMerged(merge: IncidentMerge): void {
    void this.merged(merge).catch(() => {}); // reported by #serially
  }

  /**
   * Two incidents became one (automatically or by hand): the ticket follows the survivor. When
   * only the absorbed incident has one, it is the survivor's from now on; when both have one,
   * the survivor's stands for both. A create job of the absorbed incident still queued is
   * cancelled, and when the survivor has neither a ticket nor a job of its own, one is queued
   * for it instead: the decision stands, for the incident that stays. No second ticket is filed
   * (JobRunner also files a job of a merged incident's id for its survivor, whose link it finds).
   * Idempotent: a merge told twice changes nothing the second time. Resolves when done.
   */
  merged(merge: IncidentMerge): Promise<void> {
    const { absorbed, survivor, actor } = merge;
    this.#incidents.set(survivor.id, survivor);
    // The absorbed id answers with the survivor from now on (as the store's lookup does).
    this.#incidents.set(absorbed.id, survivor);
    const from = this.#state(absorbed.fingerprint);
    const into = this.#state(survivor.fingerprint);
    return this.#serially(survivor.fingerprint, async () => {
      await Promise.all([this.#load(absorbed.fingerprint, from, true), this.#load(survivor.fingerprint, into, true)]);
      const moving = from.link;
      if (moving && (!into.link || into.link.statusCategory === 'done') && moving.statusCategory !== 'done') {
        const link: TicketLink = { ...moving, incidentId: survivor.id, fingerprint: survivor.fingerprint, updatedAt: this.#now() };
        await this.#context.links.save(link);
        into.link = link;
        await this.#audit(survivor.id, 'merged', `ticket ${moving.key} of incident ${absorbed.id} now stands for this one`, actor);
      } else if (moving && into.link && moving.key !== into.link.key && !from.skipped.has(`merged-into:${survivor.id}`)) {
        from.skipped.add(`merged-into:${survivor.id}`);
        await this.#audit(
          survivor.id,
          'merged',
          `incident ${absorbed.id} had its own ticket ${moving.key}; this one's ${into.link.key} stands for both from now on`,
          actor,
        );
      }
      const filing = from.filing;
      if (filing && filing.kind !== 'comment' && (filing.state === 'pending' || filing.state === 'waiting')) {
        const now = this.#now();
        const cancelled: OutboxJob = {
          ...filing,
          state: 'done',
          lastError: `cancelled: incident ${absorbed.id} was merged into ${survivor.id}`,
          updatedAt: now,
          nextAttemptAt: now,
        };
        await this.#context.outbox.put(cancelled);
        from.filing = cancelled;
        const open = into.link !== undefined && into.link.statusCategory !== 'done';
        const survivorFiling = into.filing && (into.filing.state === 'pending' || into.filing.state === 'running');
        await this.#audit(
          absorbed.id,
          'ticket.skipped',
          `its queued ${filing.kind} job is cancelled: merged into incident ${survivor.id}, ` +
            (open ? `whose ticket ${into.link!.key} stands for both` : 'which is filed instead'),
          actor,
        );
        if (!open && !survivorFiling) {
          await this.#queue(into, 'create', survivor, { actor: ACTOR }, `incident ${absorbed.id}, merged into this one, was due a ticket`);
        }
      }
    });
  }

  /** The incident as this stage last heard of it. */
  snapshot(id: string): Incident | undefined {
    return this.#incidents.get(id);
  }

  /** A person asked for a ticket: the existing open one, the job already queued, or a new job. */
  requestTicket(incident: Incident, notes: string | undefined, actor: string): Promise<TicketRequestResult> {
    const state = this.#state(incident.fingerprint);
    return this.#serially(incident.fingerprint, async () => {
      await this.#load(incident.fingerprint, state, true);
      if (state.link && state.link.statusCategory !== 'done') return { status: 'linked', ticket: state.link };
      const filing = state.filing;
      if (filing && (filing.state === 'pending' || filing.state === 'running')) return { status: 'queued', job: filing };
      const job = await this.#queue(state, 'create', incident, { notes, actor }, 'asked for through the API');
      return { status: 'queued', job };
    });
  }

  /** The outbox worker finished a job of this receiver's: the stage knows at once, without reading the store. */
  jobFinished(job: OutboxJob, link: TicketLink | undefined): void {
    const state = this.#state(job.fingerprint);
    if (link) state.link = link;
    if (job.kind !== 'comment' && (!state.filing || state.filing.id === job.id)) state.filing = job;
  }

  /** Waits for the work queued so far (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.allSettled([...this.#chains.values()]);
  }

  async #consider(change: IncidentChange, state: FingerprintState): Promise<void> {
    const settings = this.#context.settings.current();
    if (!settings) return; // Jira not configured: nothing to say about it per incident.
    const { incident } = change;
    if (change.kind === 'status' || change.kind === 'spike') return;
    // A fingerprint this receiver has just seen for the first time has nothing stored to read; should another
    // receiver have filed it meanwhile, the job id is the same and the worker finds that link before calling Jira.
    if (change.kind === 'created' && state.loadedAt === 0) state.loadedAt = this.#now();
    else await this.#load(incident.fingerprint, state);
    if (!settings.enabled) return this.#skip(state, incident, 'disabled', 'the Jira integration is disabled');
    if (state.link) return this.#onLinked(change, state, state.link, settings);
    const filing = state.filing;
    if (filing && filing.kind === 'create' && filing.state !== 'done') return; // queued, running, or failed (a person retries)
    const policy = incident.ticketPolicy;
    if (policy.mode !== 'auto') {
      return this.#skip(
        state,
        incident,
        policy.mode,
        `rule ${incident.ruleId} files tickets ${policy.mode === 'manual' ? 'only on request (POST /api/incidents/:id/jira)' : 'never'}`,
      );
    }
    if (!settings.autoCreate) return this.#skip(state, incident, 'auto-off', 'automatic tickets are off (autoCreate)');
    const seen = state.window.count(change.at, policy.windowMinutes * 60_000);
    if (seen < policy.afterOccurrences) return;
    const analysis = await this.#waitForAnalysis(incident.id);
    const gate = confidenceGate(policy.minConfidence, incident, analysis);
    if (!gate.file) return this.#skip(state, incident, gate.reason, `rule ${incident.ruleId}: ${gate.detail}`);
    await this.#queue(
      state,
      'create',
      incident,
      { actor: ACTOR },
      `${seen} occurrences within ${policy.windowMinutes} min (rule ${incident.ruleId})${gate.detail === '' ? '' : `; ${gate.detail}`}`,
    );
  }

  async #onLinked(change: IncidentChange, state: FingerprintState, link: TicketLink, settings: JiraSettings): Promise<void> {
    const { incident } = change;
    const pendingFiling = state.filing && (state.filing.state === 'pending' || state.filing.state === 'running');
    if (link.statusCategory === 'done') {
      // A Done ticket hears of the error again only when it regresses; the filing job is queued once.
      if (change.kind !== 'regressed' || pendingFiling) return;
      const kind: JobKind = settings.onRegression === 'reopen' ? 'reopen' : 'create';
      await this.#queue(
        state,
        kind,
        incident,
        { actor: ACTOR, reason: 'regression', sinceLast: this.#sinceLast(state, incident) },
        `regression ${incident.regressions} of a resolved incident whose ticket ${link.key} is Done`,
      );
      return;
    }
    const now = this.#now();
    const last = state.lastUpdate ?? { at: link.createdAt, count: 0 };
    const reason = change.kind === 'regressed' ? 'regression' : 'recurrence';
    if (reason === 'recurrence' && !shouldComment(now, incident.count, last, this.#throttle(settings))) return;
    const job = newJob(
      {
        id: commentJobId(incident.fingerprint, incident.count),
        kind: 'comment',
        incidentId: incident.id,
        fingerprint: incident.fingerprint,
        payload: { count: incident.count, sinceLast: incident.count - last.count, reason, actor: ACTOR },
      },
      now,
    );
    state.lastUpdate = { at: now, count: incident.count };
    await this.#context.outbox.put(job);
    this.#options.onQueued?.(job);
  }

  async #queue(
    state: FingerprintState,
    kind: 'create' | 'reopen',
    incident: Incident,
    payload: { notes?: string; actor: string; reason?: 'regression'; sinceLast?: number },
    why: string,
  ): Promise<OutboxJob> {
    const now = this.#now();
    const id =
      kind === 'create' ? createJobId(incident.fingerprint, incident.regressions) : reopenJobId(incident.fingerprint, incident.regressions);
    // The same id from another receiver, or a failed job asked for again, is replaced by this fresh attempt.
    const job = newJob(
      { id, kind, incidentId: incident.id, fingerprint: incident.fingerprint, payload: { count: incident.count, ...payload } },
      now,
    );
    await this.#context.outbox.put(job);
    state.filing = job;
    state.lastUpdate = { at: now, count: incident.count };
    this.#options.onQueued?.(job);
    await this.#audit(incident.id, 'ticket.pending', `${kind} job queued: ${why}`, payload.actor);
    return job;
  }

  /** Reads the fingerprint's link and latest jobs from the store, unless read lately. */
  async #load(fingerprint: string, state: FingerprintState, force = false): Promise<void> {
    const now = this.#now();
    if (!force && now - state.loadedAt < (this.#options.refreshMs ?? 5_000)) return;
    state.loadedAt = now;
    const [link, filing, comment] = await Promise.all([
      this.#context.links.get(fingerprint),
      this.#context.outbox.latest(fingerprint, ['create', 'reopen']),
      state.lastUpdate ? Promise.resolve(undefined) : this.#context.outbox.latest(fingerprint, ['comment', 'create', 'reopen']),
    ]);
    state.link = link;
    if (filing && (!state.filing || filing.updatedAt >= state.filing.updatedAt)) state.filing = filing;
    if (comment) state.lastUpdate = { at: comment.createdAt, count: comment.payload.count };
  }

  #sinceLast(state: FingerprintState, incident: Incident): number {
    return Math.max(0, incident.count - (state.lastUpdate?.count ?? 0));
  }

  async #waitForAnalysis(incidentId: string): Promise<Analysis | undefined> {
    const { analyses } = this.#context;
    if (!analyses) return undefined;
    try {
      return await analyses.analysisFor(incidentId, this.#options.analysisWaitMs ?? 3_000);
    } catch (error) {
      this.#context.onError(error, 'waiting for an analysis');
      return undefined;
    }
  }

  async #skip(state: FingerprintState, incident: Incident, reason: string, detail: string): Promise<void> {
    if (state.skipped.has(reason)) return;
    state.skipped.add(reason);
    await this.#audit(incident.id, 'ticket.skipped', detail, ACTOR);
  }

  async #audit(incidentId: string, stage: AuditStage, detail: string, actor: string): Promise<void> {
    try {
      await this.#context.audit([{ incidentId, stage, at: this.#now(), detail, actor }]);
    } catch (error) {
      this.#context.onError(error, 'writing a ticket audit entry');
    }
  }

  #throttle(settings: JiraSettings): CommentThrottleOptions {
    return {
      intervalMs: this.#options.throttle?.intervalMs ?? settings.commentIntervalMinutes * 60_000,
      doublingGapMs: this.#options.throttle?.doublingGapMs ?? 60_000,
    };
  }

  #state(fingerprint: string): FingerprintState {
    let state = this.#states.get(fingerprint);
    if (!state) {
      state = { window: new OccurrenceWindow(), skipped: new Set(), loadedAt: 0 };
      this.#states.set(fingerprint, state);
    }
    return state;
  }

  /** Runs `work` after the fingerprint's earlier work; a failure is reported, never thrown into the tracker. */
  #serially<T>(fingerprint: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(fingerprint) ?? Promise.resolve();
    const next = previous.then(work);
    const tail = next.catch((error: unknown) => this.#context.onError(error, 'ticket stage'));
    this.#chains.set(fingerprint, tail);
    void tail.finally(() => {
      if (this.#chains.get(fingerprint) === tail) this.#chains.delete(fingerprint);
    });
    return next;
  }

  #now(): number {
    return (this.#context.clock ?? Date.now)();
  }
}
