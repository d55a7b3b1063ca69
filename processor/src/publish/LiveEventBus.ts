import type { LiveEvent, LiveEventListener, UnsequencedLiveEvent } from '../types.ts';
import { matchesFilter, type LiveEventFilter } from './matchesFilter.ts';

export interface LiveEventBusOptions {
  /** Events kept for backfill (default 500). */
  capacity?: number;
  /** Told when a listener throws; the other listeners still get the event. Default: ignore. */
  onListenerError?: (error: unknown, event: LiveEvent) => void;
}

export const DEFAULT_LIVE_EVENT_CAPACITY = 500;

/**
 * The publish stage: numbers events, keeps the last few for clients that connect later, and
 * hands each to every listener synchronously, in subscription order. Listeners must be quick
 * (the WebSocket layer queues per client); one that throws is reported and skipped.
 */
export class LiveEventBus {
  readonly capacity: number;
  readonly #ring: (LiveEvent | undefined)[];
  /** Index the next event is written to. */
  #next = 0;
  #size = 0;
  #seq = 0;
  #listeners: LiveEventListener[] = [];
  readonly #onListenerError: (error: unknown, event: LiveEvent) => void;

  constructor(options: LiveEventBusOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_LIVE_EVENT_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a whole number ≥ 1, got ${capacity}`);
    this.capacity = capacity;
    this.#ring = new Array<LiveEvent | undefined>(capacity).fill(undefined);
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** The seq of the latest event, 0 before the first. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Numbers the event (seq 1, 2, …), keeps it and delivers it. Returns the numbered event. */
  publish(event: UnsequencedLiveEvent): LiveEvent {
    const numbered = { ...event, seq: ++this.#seq } as LiveEvent;
    this.#ring[this.#next] = numbered;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
    // Iterate a snapshot: a listener that unsubscribes (or subscribes) while we deliver is fine.
    for (const listener of this.#listeners) {
      try {
        listener(numbered);
      } catch (error) {
        try {
          this.#onListenerError(error, numbered);
        } catch {
          // The error reporter failing is no reason to stop delivering.
        }
      }
    }
    return numbered;
  }

  /** Adds a listener; call the returned function to remove it (idempotent). */
  subscribe(listener: LiveEventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners = this.#listeners.toSpliced(index, 1);
    };
  }

  get listenerCount(): number {
    return this.#listeners.length;
  }

  /**
   * The latest `limit` kept events that pass the filter, oldest first (the order to replay
   * them in). `afterSeq` keeps only newer events, for a client that reconnects.
   */
  recent(limit: number = this.capacity, filter?: LiveEventFilter | ((event: LiveEvent) => boolean), afterSeq = 0): LiveEvent[] {
    const accepts =
      filter === undefined ? () => true : typeof filter === 'function' ? filter : (event: LiveEvent) => matchesFilter(event, filter);
    const picked: LiveEvent[] = [];
    for (let age = 1; age <= this.#size && picked.length < limit; age++) {
      const event = this.#ring[(this.#next - age + this.capacity) % this.capacity];
      if (event === undefined || event.seq <= afterSeq) break;
      if (accepts(event)) picked.push(event);
    }
    return picked.reverse();
  }
}
