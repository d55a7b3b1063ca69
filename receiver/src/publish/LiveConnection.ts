import type { Role } from '../http/auth.ts';
import { isEmptyFilter } from './liveFilter.ts';
import { CLOSE_CODES, type LiveFilter, type LiveServerMessage, type LiveSocket } from './types.ts';

const OPEN = 1; // WebSocket.OPEN

export interface ConnectionLimits {
  maxBufferedBytes: number;
  /** How long a dropped client gets to take its close frame before the socket is destroyed. */
  closeGraceMs: number;
}

export interface ConnectionObserver {
  /** Called after each send with the socket's bufferedAmount. */
  sent(bufferedAmount: number): void;
  droppedSlow(): void;
}

/** One client of the feed: its socket, its filter and its heartbeat state. */
export class LiveConnection {
  readonly socket: LiveSocket;
  readonly role: Role;
  filter: LiveFilter;
  /** Pings sent since the last pong. */
  unansweredPings = 0;
  #ending = false;
  readonly #limits: ConnectionLimits;
  readonly #observer: ConnectionObserver;

  constructor(socket: LiveSocket, role: Role, filter: LiveFilter, limits: ConnectionLimits, observer: ConnectionObserver) {
    this.socket = socket;
    this.role = role;
    this.filter = filter;
    this.#limits = limits;
    this.#observer = observer;
  }

  get open(): boolean {
    return !this.#ending && this.socket.readyState === OPEN;
  }

  get filtered(): boolean {
    return !isEmptyFilter(this.filter);
  }

  sendMessage(message: LiveServerMessage): boolean {
    return this.send(Buffer.from(JSON.stringify(message)));
  }

  /**
   * Sends an already serialized text message, unless the client has not read
   * what it was sent before: past maxBufferedBytes it is dropped, so a slow
   * reader costs at most that much memory (plus one message).
   */
  send(payload: Buffer): boolean {
    if (!this.open) return false;
    if (this.socket.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.#observer.droppedSlow();
      // end() never rejects: it resolves once the socket is closed or destroyed, which no sender waits for.
      void this.end(CLOSE_CODES.TOO_SLOW, 'too slow');
      return false;
    }
    this.socket.send(payload, { binary: false });
    this.#observer.sent(this.socket.bufferedAmount);
    return true;
  }

  /** Closes with a code, then destroys the socket if the close handshake has not finished within the grace. */
  end(code: number, reason: string): Promise<void> {
    this.#ending = true;
    return new Promise((resolve) => {
      const socket = this.socket;
      const CLOSED = 3;
      if (socket.readyState === CLOSED) return resolve();
      const timer = setTimeout(() => socket.terminate(), this.#limits.closeGraceMs);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(code, reason);
    });
  }

  /** Destroys the socket at once: for a peer that no longer answers at all. */
  terminate(): void {
    this.#ending = true;
    this.socket.terminate();
  }
}
