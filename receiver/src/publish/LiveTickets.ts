import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../http/auth.ts';

export interface LiveTicketsOptions {
  ttlMs: number;
  /** At most this many unredeemed tickets are kept; past it the oldest is forgotten. */
  maxTickets: number;
  now?: () => number;
}

export interface IssuedTicket {
  ticket: string;
  expiresAt: number;
}

interface TicketEntry {
  role: Role;
  expiresAt: number;
}

/**
 * One-time, short-lived tickets that let a browser open the live feed, which
 * cannot carry an Authorization header. Only a digest of each ticket is kept,
 * so a memory dump gives nothing to replay; a ticket is redeemable once, here
 * only, and grants reading the feed whatever the role that minted it.
 */
export class LiveTickets {
  readonly #entries = new Map<string, TicketEntry>();
  readonly #ttlMs: number;
  readonly #maxTickets: number;
  readonly #now: () => number;
  #issued = 0;
  #refused = 0;

  constructor(options: LiveTicketsOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxTickets = options.maxTickets;
    this.#now = options.now ?? Date.now;
  }

  issue(role: Role): IssuedTicket {
    const now = this.#now();
    this.#sweep(now);
    // Every ticket lives as long as the others, so insertion order is expiry order: the first is the oldest.
    while (this.#entries.size >= this.#maxTickets) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + this.#ttlMs;
    this.#entries.set(digest(ticket), { role, expiresAt });
    this.#issued++;
    return { ticket, expiresAt };
  }

  /** The role the ticket was minted with, once; undefined for a missing, unknown, expired or used ticket. */
  redeem(ticket: string | undefined): Role | undefined {
    const key = ticket ? digest(ticket) : undefined;
    const entry = key === undefined ? undefined : this.#entries.get(key);
    if (key !== undefined && entry) this.#entries.delete(key);
    if (!entry || entry.expiresAt <= this.#now()) {
      this.#refused++;
      return undefined;
    }
    return entry.role;
  }

  get outstanding(): number {
    this.#sweep(this.#now());
    return this.#entries.size;
  }

  get issued(): number {
    return this.#issued;
  }

  get refused(): number {
    return this.#refused;
  }

  /** Drops expired tickets from the front of the map, where the oldest are. */
  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}

function digest(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
