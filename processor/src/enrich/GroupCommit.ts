interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes items in batches with at most one write in flight: what arrives while a write runs
 * goes in the next one. Idle, an item is written at once; under load, writes grow instead of
 * multiplying (ClickHouse pays a fixed cost per insert, and each insert makes a part to merge).
 * Each `add` settles when the write holding its item does.
 */
export class GroupCommit<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #onError: (error: unknown, items: number) => void;
  #waiting: Waiting<T>[] = [];
  #writing: Promise<void> | undefined;

  /** `onError` hears of each failed write once (its items' promises reject too). */
  constructor(write: (items: T[]) => Promise<void>, onError: (error: unknown, items: number) => void = () => {}) {
    this.#write = write;
    this.#onError = onError;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  /** Resolves once everything added so far is written (or failed). */
  async flushed(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    // Let the rest of this turn's items join the first batch.
    await Promise.resolve();
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      try {
        await this.#write(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        this.#onError(error, batch.length);
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#writing = undefined;
  }
}
