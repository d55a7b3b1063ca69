interface Waiter {
  grant: (release: () => void) => void;
}

/**
 * At most `max` holders at once; others wait in order. A waiter whose signal aborts leaves
 * the line (its promise rejects with the signal's reason). Lowering `max` takes effect as
 * holders release.
 */
export class ConcurrencyLimit {
  #max: number;
  #active = 0;
  readonly #waiting: Waiter[] = [];

  constructor(max: number) {
    this.#max = checkedMax(max);
  }

  get max(): number {
    return this.#max;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  setMax(max: number): void {
    this.#max = checkedMax(max);
    this.#grantWaiting();
  }

  /** Resolves with a release function once a place is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#max) return Promise.resolve(this.#take());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #take(): () => void {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#grantWaiting();
    };
  }

  #grantWaiting(): void {
    while (this.#active < this.#max && this.#waiting.length > 0) this.#waiting.shift()!.grant(this.#take());
  }
}

function checkedMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`a concurrency limit must be a whole number ≥ 1, got ${max}`);
  return max;
}
