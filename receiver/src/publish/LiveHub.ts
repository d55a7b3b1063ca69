import { matchesFilter, type LiveEvent } from '@stacklens/processor';
import type { Role } from '../http/auth.ts';
import { parseClientMessage } from './clientMessage.ts';
import { LiveConnection, type ConnectionObserver } from './LiveConnection.ts';
import { CLOSE_CODES, type LiveEventSource, type LiveFilter, type LiveSocket } from './types.ts';

export interface LiveHubOptions {
  source: LiveEventSource;
  heartbeatMs: number;
  maxBufferedBytes: number;
  /** Events replayed to a client on connect and on each subscribe. */
  backfill: number;
  closeGraceMs: number;
}

export interface LiveHubCounters {
  accepted: number;
  eventsSent: number;
  slowClientsDropped: number;
  unresponsiveTerminated: number;
  peakBufferedBytes: number;
}

/** Pings a client may leave unanswered; at the next heartbeat after that it is terminated. */
const MAX_UNANSWERED_PINGS = 2;

/**
 * The feed's clients and their one subscription to the event bus: each event
 * is serialized once and written to every client whose filter it passes. The
 * bus is subscribed while at least one client is connected.
 */
export class LiveHub {
  readonly #connections = new Set<LiveConnection>();
  readonly #options: LiveHubOptions;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;
  readonly #counters: LiveHubCounters = {
    accepted: 0,
    eventsSent: 0,
    slowClientsDropped: 0,
    unresponsiveTerminated: 0,
    peakBufferedBytes: 0,
  };
  readonly #observer: ConnectionObserver = {
    sent: (bufferedAmount) => {
      if (bufferedAmount > this.#counters.peakBufferedBytes) this.#counters.peakBufferedBytes = bufferedAmount;
    },
    droppedSlow: () => {
      this.#counters.slowClientsDropped++;
    },
  };

  constructor(options: LiveHubOptions) {
    this.#options = options;
  }

  get connections(): number {
    return this.#connections.size;
  }

  get counters(): LiveHubCounters {
    return { ...this.#counters };
  }

  /** Takes a freshly opened socket: hello, backfill, then live events. */
  accept(socket: LiveSocket, role: Role, filter: LiveFilter): void {
    const connection = new LiveConnection(socket, role, filter, this.#options, this.#observer);
    if (this.#closing) {
      void connection.end(CLOSE_CODES.GOING_AWAY, 'server shutting down');
      return;
    }
    this.#counters.accepted++;
    socket.on('close', () => this.#remove(connection));
    socket.on('pong', () => {
      connection.unansweredPings = 0;
    });
    socket.on('message', (data, isBinary) => {
      const parsed = parseClientMessage(data, isBinary);
      if (!parsed.ok) {
        connection.sendMessage({ type: 'error', message: parsed.error });
        return;
      }
      connection.filter = parsed.message.filters;
      this.#sendBackfill(connection);
    });
    const { heartbeatMs, backfill, maxBufferedBytes } = this.#options;
    connection.sendMessage({ type: 'hello', serverTime: new Date().toISOString(), heartbeatMs, backfill, maxBufferedBytes });
    this.#sendBackfill(connection);
    // Nothing runs between the backfill's snapshot and this line, so no event falls in between.
    this.#connections.add(connection);
    this.#unsubscribe ??= this.#options.source.subscribe((event) => this.#publish(event));
    this.#heartbeat ??= setInterval(() => this.#beat(), heartbeatMs).unref();
  }

  /** Closes every client with 1001 and waits for them (at most the close grace). */
  async shutdown(): Promise<void> {
    this.#closing = true;
    this.#stopWhenIdle(true);
    await Promise.all([...this.#connections].map((connection) => connection.end(CLOSE_CODES.GOING_AWAY, 'server shutting down')));
  }

  #sendBackfill(connection: LiveConnection): void {
    const filter = connection.filter;
    const events = this.#options.source.recent(this.#options.backfill, connection.filtered ? filter : undefined);
    connection.sendMessage({ type: 'backfill', filters: filter, events });
  }

  #publish(event: LiveEvent): void {
    let payload: Buffer | undefined;
    for (const connection of this.#connections) {
      if (connection.filtered && !matchesFilter(event, connection.filter)) continue;
      payload ??= Buffer.from(JSON.stringify(event));
      try {
        if (connection.send(payload)) this.#counters.eventsSent++;
      } catch {
        // A socket failing mid-write closes on its own; the publisher must not see it.
      }
    }
  }

  #beat(): void {
    const serverTime = new Date().toISOString();
    for (const connection of this.#connections) {
      if (connection.unansweredPings >= MAX_UNANSWERED_PINGS) {
        this.#counters.unresponsiveTerminated++;
        connection.terminate();
        continue;
      }
      if (!connection.open) continue;
      connection.unansweredPings++;
      connection.socket.ping();
      // Browsers never see ping frames; this message lets their code notice a dead server.
      connection.sendMessage({ type: 'heartbeat', serverTime });
    }
  }

  #remove(connection: LiveConnection): void {
    this.#connections.delete(connection);
    this.#stopWhenIdle(false);
  }

  #stopWhenIdle(force: boolean): void {
    if (!force && this.#connections.size > 0) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
