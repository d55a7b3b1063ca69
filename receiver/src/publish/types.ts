import type { LiveEvent, LiveEventFilter, LiveEventListener } from '@stacklens/processor';

/**
 * Which events a client wants (the processor's filter, judged by its
 * `matchesFilter`): every list given must match; an absent or empty list
 * matches all. `error.detected` is judged on its own severity, service and
 * store; incident events on their incident's, a store matching when the
 * incident has occurred there.
 */
export type LiveFilter = LiveEventFilter;

/**
 * What the feed needs from the processor's event bus. `LiveEventBus` from
 * `@stacklens/processor` satisfies it; declared here so the feed depends on two
 * methods, not on the bus's implementation.
 */
export interface LiveEventSource {
  /** Calls the listener synchronously for each published event; returns the unsubscribe function. */
  subscribe(listener: LiveEventListener): () => void;
  /** The last `limit` events (oldest first) that pass the filter, for a new client's backfill. */
  recent(limit: number, filter?: LiveFilter): LiveEvent[];
}

/** The part of a `ws` WebSocket the feed uses (`ws` ships no type declarations). */
export interface LiveSocket {
  readonly readyState: number;
  /** Bytes queued in user space (the socket's writable buffer plus ws's own queue), not yet given to the kernel. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
}

/** Messages the server sends besides the events themselves. */
export type LiveServerMessage =
  | { type: 'hello'; serverTime: string; heartbeatMs: number; backfill: number; maxBufferedBytes: number }
  | { type: 'backfill'; filters: LiveFilter; events: LiveEvent[] }
  | { type: 'heartbeat'; serverTime: string }
  | { type: 'error'; message: string };

/** Counters of the feed, served at GET /api/live/stats. */
export interface LiveFeedStats {
  connections: number;
  /** Connections accepted since start. */
  accepted: number;
  /** Live events handed to sockets, one per event per client (backfills not counted). */
  eventsSent: number;
  /** Clients closed with 1013 because their send buffer passed maxBufferedBytes. */
  slowClientsDropped: number;
  /** Clients terminated for not answering two pings in a row. */
  unresponsiveTerminated: number;
  /** The highest bufferedAmount seen on any socket right after a send. */
  peakBufferedBytes: number;
  ticketsIssued: number;
  ticketsOutstanding: number;
  /** Upgrade attempts refused for a missing, unknown, expired or reused ticket. */
  ticketsRefused: number;
}

/** WebSocket close codes the feed uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = {
  /** Server shutting down. */
  GOING_AWAY: 1001,
  /** The client did not read fast enough ("try again later"). */
  TOO_SLOW: 1013,
} as const;
