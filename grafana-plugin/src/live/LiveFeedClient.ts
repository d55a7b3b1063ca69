import type { LiveEvent, LiveServerMessage } from '../types.ts';

export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'live'; since: number }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; reason: string }
  | { status: 'stopped' };

/** The part of the browser's WebSocket the client uses (so tests can hand in their own). */
export interface LiveSocket {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => LiveSocket;

export interface LiveFeedOptions {
  /** A fresh one-time ticket (through the plugin proxy). */
  fetchTicket: () => Promise<string>;
  /** The receiver's browser-reachable base URL (http or https); the feed is its /api/live. */
  receiverUrl: string;
  onEvent: (event: LiveEvent, replayed: boolean) => void;
  onState: (state: ConnectionState) => void;
  openSocket?: SocketFactory;
  /** First retry delay; doubles per failed attempt up to maxBackoffMs, with ±20 % jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Heartbeats missed (in the server's own interval) before the connection counts as dead. */
  missedHeartbeats?: number;
  random?: () => number;
}

const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * The live feed in the browser: a ticket through the proxy, then a direct WebSocket to the
 * receiver (plugin routes carry plain HTTP only). A lost connection, a refused ticket or a
 * silent server is retried with exponential back-off; each attempt takes a new ticket, since
 * a ticket opens one connection once.
 */
export class LiveFeedClient {
  readonly #options: Required<Omit<LiveFeedOptions, 'openSocket'>> & { openSocket: SocketFactory };
  #socket: LiveSocket | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #heartbeatMs = DEFAULT_HEARTBEAT_MS;
  #stopped = true;

  constructor(options: LiveFeedOptions) {
    this.#options = {
      initialBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      missedHeartbeats: 2,
      random: Math.random,
      openSocket: (url) => new WebSocket(url) as unknown as LiveSocket,
      ...options,
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#watchdog);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'page closed');
    }
    this.#options.onState({ status: 'stopped' });
  }

  async #connect(): Promise<void> {
    this.#attempt++;
    this.#options.onState({ status: 'connecting', attempt: this.#attempt });
    let ticket: string;
    try {
      ticket = await this.#options.fetchTicket();
    } catch (error) {
      this.#retry(`no ticket: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.#stopped) return;
    let socket: LiveSocket;
    try {
      socket = this.#options.openSocket(liveUrl(this.#options.receiverUrl, ticket));
    } catch (error) {
      this.#retry(`cannot open the feed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#socket = socket;
    socket.onmessage = (message) => this.#receive(message.data);
    socket.onerror = () => {
      // The close event that always follows carries the code; retrying happens there.
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      clearTimeout(this.#watchdog);
      this.#retry(event.code === 1006 ? 'connection lost' : `closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    };
  }

  #receive(data: unknown): void {
    let message: LiveServerMessage | LiveEvent;
    try {
      message = JSON.parse(String(data)) as LiveServerMessage | LiveEvent;
    } catch {
      return;
    }
    this.#armWatchdog();
    switch (message.type) {
      case 'hello':
        this.#heartbeatMs = message.heartbeatMs;
        this.#attempt = 0;
        this.#options.onState({ status: 'live', since: Date.now() });
        this.#armWatchdog();
        return;
      case 'backfill':
        for (const event of message.events) this.#options.onEvent(event, true);
        return;
      case 'heartbeat':
      case 'error':
        return;
      default:
        this.#options.onEvent(message, false);
    }
  }

  /** A server that stops talking (no heartbeat) is as gone as one that closed. */
  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(
      () => {
        const socket = this.#socket;
        if (!socket) return;
        this.#socket = undefined;
        socket.onclose = null;
        socket.close(4000, 'no heartbeat');
        this.#retry('no heartbeat from the receiver');
      },
      this.#heartbeatMs * (this.#options.missedHeartbeats + 0.5),
    );
  }

  #retry(reason: string): void {
    if (this.#stopped) return;
    // After a live connection drops the count starts again at 1.
    const attempt = Math.max(1, this.#attempt);
    const retryInMs = backoffDelay(attempt, this.#options.initialBackoffMs, this.#options.maxBackoffMs, this.#options.random);
    this.#options.onState({ status: 'reconnecting', attempt, retryInMs, reason });
    this.#retryTimer = setTimeout(() => void this.#connect(), retryInMs);
  }
}

/** Exponential back-off with ±20 % jitter, so many browsers do not reconnect in step after a restart. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function liveUrl(receiverUrl: string, ticket: string): string {
  // Kept relative to the base URL's path, for a receiver behind a reverse proxy under a prefix.
  const url = new URL(`${receiverUrl.replace(/\/+$/, '')}/api/live`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('ticket', ticket);
  return url.toString();
}
