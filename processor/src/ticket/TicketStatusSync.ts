import { summaryOf } from '../group/incidentViews.ts';
import type { TicketLink, TicketStatusCategory } from '../types.ts';
import type { GatewayCache } from './GatewayCache.ts';
import { classifyJiraError } from './jiraFailure.ts';
import { jqlString } from './JobRunner.ts';
import type { OutboxLease } from './outbox.ts';
import type { TicketContext } from './TicketContext.ts';

export interface TicketStatusSyncOptions {
  /** How often linked tickets' status is read from Jira [60 s]; 0 turns polling off (webhook only). */
  pollIntervalMs?: number;
  /** Linked tickets read per poll [200]. */
  maxPerPoll?: number;
}

const KEYS_PER_SEARCH = 50;

/**
 * Brings linked tickets' status back from Jira (a poll, and the webhook through `apply`) so
 * the UI shows it; a ticket moved to Done resolves its incident.
 */
export class TicketStatusSync {
  readonly #context: TicketContext;
  readonly #gateways: GatewayCache;
  readonly #lease: OutboxLease;
  readonly #pollIntervalMs: number;
  readonly #maxPerPoll: number;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<unknown> | undefined;
  #closed = false;
  lastPollAt: number | undefined;
  lastPollError: string | undefined;

  constructor(context: TicketContext, gateways: GatewayCache, lease: OutboxLease, options: TicketStatusSyncOptions = {}) {
    this.#context = context;
    this.#gateways = gateways;
    this.#lease = lease;
    this.#pollIntervalMs = options.pollIntervalMs ?? 60_000;
    this.#maxPerPoll = options.maxPerPoll ?? 200;
  }

  start(): void {
    if (this.#pollIntervalMs > 0) this.#schedule(this.#pollIntervalMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }

  /** Reads the status of every open linked ticket once; answers how many links changed. */
  async pollOnce(): Promise<number> {
    const settings = this.#context.settings.current();
    if (!settings?.enabled || !this.#lease.held(0)) return 0;
    const jira = this.#gateways.gatewayFor(settings);
    const links = await this.#context.links.open(this.#maxPerPoll);
    let changed = 0;
    for (let i = 0; i < links.length; i += KEYS_PER_SEARCH) {
      const keys = links.slice(i, i + KEYS_PER_SEARCH).map((link) => link.key);
      const issues = await jira.search(`key in (${keys.map(jqlString).join(', ')})`, keys.length);
      for (const issue of issues) {
        if (await this.apply(issue.key, issue.status, issue.statusCategory)) changed += 1;
      }
    }
    this.lastPollAt = (this.#context.clock ?? Date.now)();
    this.lastPollError = undefined;
    return changed;
  }

  /**
   * Records a linked ticket's new status: the link is saved, `ticket.updated` published, and a
   * move to Done resolves the incident. Answers the changed link; undefined when the key is
   * not linked or nothing changed.
   */
  async apply(key: string, status: string, statusCategory: TicketStatusCategory): Promise<TicketLink | undefined> {
    const link = await this.#context.links.byKey(key);
    if (!link || (link.status === status && link.statusCategory === statusCategory)) return undefined;
    const now = (this.#context.clock ?? Date.now)();
    const updated: TicketLink = { ...link, status, statusCategory, updatedAt: now };
    await this.#context.links.save(updated);
    const incident = await this.#context.incidentFor(link.incidentId);
    if (incident) this.#context.publish({ type: 'ticket.updated', at: now, incident: summaryOf(incident), ticket: updated });
    if (statusCategory === 'done' && link.statusCategory !== 'done' && incident?.status !== 'resolved') {
      await this.#context.resolveIncident(link.incidentId);
    }
    return updated;
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.pollOnce()
        .then(() => this.#schedule(this.#pollIntervalMs))
        .catch((error: unknown) => {
          const failure = classifyJiraError(error);
          this.lastPollError = failure.message;
          this.#context.onError(error, 'polling Jira for ticket status');
          this.#schedule(failure.kind === 'rate-limit' ? Math.max(failure.retryAfterMs ?? 0, this.#pollIntervalMs) : this.#pollIntervalMs);
        });
    }, ms);
    this.#timer.unref();
  }
}
