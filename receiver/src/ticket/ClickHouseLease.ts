import { randomUUID } from 'node:crypto';
import type { OutboxLease } from '@stacklens/processor/ticket';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';

export interface ClickHouseLeaseOptions {
  /** Length of a term [60 s]. */
  termMs?: number;
  /** This receiver's name in the lease table [a random UUID]. */
  owner?: string;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

const COLUMNS = ['term', 'owner', 'claimedAt'] as const;

/**
 * The outbox lease in ClickHouse: time is cut into terms, and the first claim of a term wins
 * it. Every claim of term t carries the insert deduplication token `jira-lease-t`, so the
 * server keeps only the first (Keeper decides on a replicated table), and each claimant reads
 * back the one row: exactly one receiver works the outbox per term. The holder claims the next
 * term a quarter into its own, the others only three quarters in, so the holder keeps the
 * lease while it lives and another takes over within two terms when it dies.
 */
export class ClickHouseLease implements OutboxLease {
  readonly owner: string;
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #termMs: number;
  readonly #clock: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #owners = new Map<number, string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Set while claims fail: the failure is reported once, not at every tick. */
  #failing = false;

  constructor(transport: ClickHouseTransport, table: string, options: ClickHouseLeaseOptions = {}) {
    this.#transport = transport;
    this.#table = table;
    this.owner = options.owner ?? randomUUID();
    this.#termMs = options.termMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
    this.#onError = options.onError ?? (() => {});
  }

  /** Claims the current term (or learns who holds it), then keeps claiming as terms pass. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.#termMs / 8)));
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  held(forMs: number): boolean {
    if (this.#closed) return false;
    return this.#heldUntil() - this.#clock() >= forMs;
  }

  /** One step of the claiming schedule (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    const now = this.#clock();
    const term = Math.floor(now / this.#termMs);
    const into = (now % this.#termMs) / this.#termMs;
    try {
      if (!this.#owners.has(term)) await this.#claim(term);
      const mine = this.#owners.get(term) === this.owner;
      if (!this.#owners.has(term + 1) && into >= (mine ? 0.25 : 0.75)) await this.#claim(term + 1);
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#onError(error);
      this.#failing = true;
    }
    for (const known of this.#owners.keys()) if (known < term) this.#owners.delete(known);
  }

  #heldUntil(): number {
    const term = Math.floor(this.#clock() / this.#termMs);
    if (this.#owners.get(term) !== this.owner) return 0;
    return (this.#owners.get(term + 1) === this.owner ? term + 2 : term + 1) * this.#termMs;
  }

  async #claim(term: number): Promise<void> {
    const row = JSON.stringify([term, this.owner, Math.trunc(this.#clock())]);
    await this.#transport.insertCompactJson(this.#table, COLUMNS, `${row}\n`, { insert_deduplication_token: `jira-lease-${term}` });
    // Should deduplication not apply (a window long gone), the earliest claim still wins, alike for every reader.
    const [winner] = await this.#transport.query<{ owner: string }>(
      `SELECT owner FROM ${this.#table} WHERE term = {term:UInt64} ORDER BY claimedAt, owner LIMIT 1`,
      { term },
    );
    if (winner) this.#owners.set(term, winner.owner);
  }
}
