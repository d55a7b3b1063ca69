import { summaryOf } from '../group/incidentViews.ts';
import type { AuditStage } from '../types.ts';
import type { GatewayCache } from './GatewayCache.ts';
import { classifyJiraError, type JiraFailure } from './jiraFailure.ts';
import { settingsDigest, type JiraSettings } from './JiraSettings.ts';
import { JobRunner, type JobOutcome } from './JobRunner.ts';
import type { OutboxJob, OutboxLease } from './outbox.ts';
import { backoffMs, DEFAULT_RETRY, type RetryOptions } from './retryDelay.ts';
import type { TicketContext } from './TicketContext.ts';

export interface OutboxWorkerOptions {
  retry?: Partial<RetryOptions>;
  /** How often the outbox is read for jobs queued by other receivers or falling due [2 s]. */
  pollIntervalMs?: number;
  /** A running job whose receiver went silent this long is due again [2 min]. */
  attemptLeaseMs?: number;
  /** The longest a Jira call may take (the gateway's time-out); no job starts unless the lease lasts that long [20 s]. */
  callTimeoutMs?: number;
  /** Jobs read per round [20]. */
  batchSize?: number;
  /** Jobs of different fingerprints worked at once [4]; one fingerprint's jobs always run in order. */
  concurrency?: number;
  random?: () => number;
  /** Told when a job is done or failed for good (the ticket stage updates what it knows). */
  onFinished?: (job: OutboxJob, outcome: JobOutcome | undefined) => void;
}

export interface OutboxWorkerStatus {
  /** This receiver works the outbox now (it holds the lease). */
  active: boolean;
  /** Jira asked to wait (429) until then, ms since the epoch. */
  pausedUntil?: number;
  lastError?: { message: string; at: number; jobId: string };
  jobsDone: number;
  jobsFailed: number;
  /** Jobs this receiver set waiting for a settings fix. */
  jobsWaiting: number;
  /** Waiting jobs this receiver queued again (settings changed, or an admin's retry). */
  jobsRequeued: number;
  retries: number;
}

const MAX_WAITING_READ = 10_000;

/** Jira's text without its closing full stop, to go on inside a sentence of ours. */
const clause = (text: string): string => text.replace(/[.\s]+$/, '');

const RETRY_HINT =
  "Waiting jobs are queued again when the Jira settings change, or with POST /api/integrations/jira/retry (Retry on the plugin's configuration page).";

/**
 * Works the durable outbox: each due job's attempt is recorded (state running) before its Jira
 * call, and its end after, so a job is never started twice at once and an interrupted one is
 * known to be so. 429 waits for Retry-After (the whole worker: Jira limits per user);
 * 5xx, network errors and time-outs back off exponentially with jitter; any other 4xx fails
 * the job with Jira's error text.
 */
export class OutboxWorker {
  readonly #context: TicketContext;
  readonly #runner: JobRunner;
  readonly #lease: OutboxLease;
  readonly #retry: RetryOptions;
  readonly #pollIntervalMs: number;
  readonly #attemptLeaseMs: number;
  readonly #callTimeoutMs: number;
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #random: () => number;
  readonly #onFinished: OutboxWorkerOptions['onFinished'];
  readonly #status: OutboxWorkerStatus = { active: false, jobsDone: 0, jobsFailed: 0, jobsWaiting: 0, jobsRequeued: 0, retries: 0 };
  /** The settings' digest under which the waiting jobs were last looked at; undefined: not yet. */
  #checkedDigest: string | undefined;
  /** Failure messages already told since the last success, so a failing Jira is told once, not per job or attempt. */
  readonly #told = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(context: TicketContext, gateways: GatewayCache, lease: OutboxLease, options: OutboxWorkerOptions = {}) {
    this.#context = context;
    this.#runner = new JobRunner(context, gateways);
    this.#lease = lease;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#pollIntervalMs = options.pollIntervalMs ?? 2_000;
    this.#attemptLeaseMs = options.attemptLeaseMs ?? 120_000;
    this.#callTimeoutMs = options.callTimeoutMs ?? 20_000;
    this.#batchSize = options.batchSize ?? 20;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#random = options.random ?? Math.random;
    this.#onFinished = options.onFinished;
  }

  start(): void {
    this.wake();
  }

  /** Works the due jobs now (a job was just queued). */
  wake(): void {
    if (this.#closed) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#draining = this.#drain()
      .catch((error: unknown) => this.#context.onError(error, 'Jira outbox'))
      .finally(() => {
        this.#draining = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else {
          this.#schedule();
        }
      });
  }

  /**
   * Queues every waiting job again now (an admin fixed what Jira refused, e.g. a permission in
   * Jira itself, which the settings do not show). Returns how many.
   */
  async retryWaiting(): Promise<number> {
    const requeued = await this.#requeue(() => true);
    if (requeued > 0) this.wake();
    return requeued;
  }

  status(): OutboxWorkerStatus {
    return { ...this.#status, active: this.#lease.held(0) };
  }

  /** Stops taking jobs and waits for the one in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#draining;
  }

  #schedule(): void {
    if (this.#closed) return;
    const pause = Math.max(0, (this.#status.pausedUntil ?? 0) - this.#now());
    this.#timer = setTimeout(() => this.wake(), Math.max(pause, this.#pollIntervalMs));
    this.#timer.unref();
  }

  async #drain(): Promise<void> {
    for (;;) {
      const settings = this.#context.settings.current();
      if (!settings?.enabled || !this.#mayStart()) return;
      await this.#requeueOnNewSettings(settings);
      const jobs = await this.#context.outbox.due(this.#now(), this.#batchSize);
      if (jobs.length === 0) return;
      // One lane per fingerprint (its jobs in order), lanes side by side up to the concurrency.
      const lanes = [...Map.groupBy(jobs, (job) => job.fingerprint).values()];
      let jiraFailing = false;
      const workLane = async (lane: OutboxJob[]): Promise<void> => {
        for (const job of lane) {
          if (jiraFailing || !this.#mayStart()) return;
          const failure = await this.#attempt(job, settings);
          // A Jira that fails one job fails the next too: wait for the next round.
          if (failure && failure.kind !== 'permanent' && failure.kind !== 'configuration') jiraFailing = true;
        }
      };
      const workers = Array.from({ length: Math.min(this.#concurrency, lanes.length) }, async () => {
        for (let lane = lanes.shift(); lane; lane = lanes.shift()) await workLane(lane);
      });
      await Promise.all(workers);
      if (jiraFailing) return;
    }
  }

  #mayStart(): boolean {
    return !this.#closed && !this.#pausedNow() && this.#lease.held(this.#callTimeoutMs);
  }

  async #attempt(job: OutboxJob, settings: JiraSettings): Promise<JiraFailure | undefined> {
    const interrupted = job.state === 'running';
    const started = this.#now();
    const running: OutboxJob = {
      ...job,
      state: 'running',
      attempts: job.attempts + 1,
      firstAttemptAt: job.firstAttemptAt || started,
      nextAttemptAt: started + this.#attemptLeaseMs,
      updatedAt: started,
    };
    // Recorded before the call: a receiver that dies in it leaves a job marked interrupted, not a pending one.
    await this.#context.outbox.put(running);
    let outcome: JobOutcome;
    try {
      outcome = await this.#runner.run(running, settings, interrupted);
    } catch (error) {
      const failure = classifyJiraError(error);
      await this.#failed(running, failure, settings);
      return failure;
    }
    await this.#done(running, outcome);
    return undefined;
  }

  async #done(job: OutboxJob, outcome: JobOutcome): Promise<void> {
    const now = this.#now();
    const done: OutboxJob = { ...job, state: 'done', result: outcome.link.key, lastError: '', updatedAt: now, nextAttemptAt: now };
    await this.#context.outbox.put(done);
    this.#status.jobsDone += 1;
    this.#told.clear();
    this.#onFinished?.(done, outcome);
    if (outcome.change === 'none') return;
    if (job.kind === 'create' || outcome.change === 'created') await this.#audit(job, 'ticket.created', outcome.detail);
    const incident = await this.#context.incidentFor(job.incidentId);
    if (incident) {
      this.#context.publish({
        type: outcome.change === 'created' ? 'ticket.created' : 'ticket.updated',
        at: now,
        incident: summaryOf(incident),
        ticket: outcome.link,
      });
    }
  }

  async #failed(job: OutboxJob, failure: JiraFailure, settings: JiraSettings): Promise<void> {
    const now = this.#now();
    this.#status.lastError = { message: failure.message, at: now, jobId: job.id };
    if (failure.kind === 'configuration') return this.#wait(job, failure, settings);
    const givingUp = now - (job.payload.requeuedAt ?? job.createdAt) >= this.#retry.giveUpAfterMs;
    if (failure.kind === 'permanent' || givingUp) {
      const message =
        givingUp && failure.kind !== 'permanent' ? `gave up after ${job.attempts} attempts: ${failure.message}` : failure.message;
      const failed: OutboxJob = { ...job, state: 'failed', lastError: message, updatedAt: now, nextAttemptAt: now };
      await this.#context.outbox.put(failed);
      this.#status.jobsFailed += 1;
      this.#notice(
        `Jira: the ${job.kind} job for incident ${job.incidentId} failed for good: ${clause(message)}. POST /api/incidents/${job.incidentId}/jira files it again.`,
      );
      this.#onFinished?.(failed, undefined);
      await this.#audit(job, 'ticket.failed', `${job.kind}: ${message}`);
      const incident = await this.#context.incidentFor(job.incidentId);
      if (incident) this.#context.publish({ type: 'ticket.failed', at: now, incident: summaryOf(incident), error: message });
      return;
    }
    let delay: number;
    if (failure.kind === 'rate-limit') {
      delay = failure.retryAfterMs ?? this.#retry.rateLimitMs;
      this.#status.pausedUntil = now + delay;
    } else {
      delay = backoffMs(job.attempts, this.#retry, this.#random);
    }
    this.#status.retries += 1;
    this.#tellOnce(
      failure.message,
      `Jira: ${clause(failure.message)}; the outbox keeps its jobs and tries again (next in ${Math.ceil(delay / 1000)} s).`,
    );
    await this.#context.outbox.put({ ...job, state: 'pending', lastError: failure.message, updatedAt: now, nextAttemptAt: now + delay });
  }

  /** Jira refused the job for a reason the settings cure: it waits for them to change, or for an admin's retry. */
  async #wait(job: OutboxJob, failure: JiraFailure, settings: JiraSettings): Promise<void> {
    const now = this.#now();
    const lastError = `${failure.message} — to fix: ${failure.fix}`;
    const waiting: OutboxJob = {
      ...job,
      state: 'waiting',
      lastError,
      updatedAt: now,
      nextAttemptAt: now,
      payload: { ...job.payload, waitingUnder: settingsDigest(settings) },
    };
    await this.#context.outbox.put(waiting);
    this.#status.jobsWaiting += 1;
    this.#onFinished?.(waiting, undefined);
    await this.#audit(job, 'ticket.failed', `${job.kind} waits for a settings fix: ${lastError}`);
    this.#tellOnce(
      failure.message,
      `Jira refused the ${job.kind} job for incident ${job.incidentId}: ${clause(failure.message)}. To fix: ${failure.fix}. ${RETRY_HINT}`,
    );
  }

  /** Jobs that wait under other settings than the current ones are queued again (looked at once per settings change). */
  async #requeueOnNewSettings(settings: JiraSettings): Promise<void> {
    const digest = settingsDigest(settings);
    if (digest === this.#checkedDigest) return;
    const requeued = await this.#requeue((job) => job.payload.waitingUnder !== digest);
    this.#checkedDigest = digest;
    this.#told.clear();
    if (requeued > 0) this.#notice(`Jira: the settings changed; ${requeued} waiting job${requeued === 1 ? '' : 's'} queued again.`);
  }

  async #requeue(which: (job: OutboxJob) => boolean): Promise<number> {
    // Waiting jobs are few (one per incident that wanted a ticket while Jira refused): read them at once.
    const jobs = (await this.#context.outbox.waiting(MAX_WAITING_READ)).filter(which);
    const now = this.#now();
    for (const job of jobs) {
      const { waitingUnder: _settings, ...payload } = job.payload;
      await this.#context.outbox.put({
        ...job,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        updatedAt: now,
        payload: { ...payload, requeuedAt: now },
      });
    }
    this.#status.jobsRequeued += jobs.length;
    return jobs.length;
  }

  #tellOnce(key: string, message: string): void {
    if (this.#told.has(key)) return;
    this.#told.add(key);
    this.#notice(message);
  }

  #notice(message: string): void {
    try {
      if (this.#context.notice) this.#context.notice(message);
      else this.#context.onError(new Error(message), 'Jira outbox');
    } catch {
      // telling must never stop the outbox
    }
  }

  async #audit(job: OutboxJob, stage: AuditStage, detail: string): Promise<void> {
    try {
      await this.#context.audit([{ incidentId: job.incidentId, stage, at: this.#now(), detail, actor: job.payload.actor }]);
    } catch (error) {
      this.#context.onError(error, 'writing a ticket audit entry');
    }
  }

  #pausedNow(): boolean {
    return (this.#status.pausedUntil ?? 0) > this.#now();
  }

  #now(): number {
    return (this.#context.clock ?? Date.now)();
  }
}
