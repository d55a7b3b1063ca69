/**
 * Row versions for ReplacingMergeTree tables: microsecond-scaled wall time, so a later write
 * wins across receivers, and never repeated in this process, so two writes in one
 * millisecond stay ordered.
 */
export class VersionClock {
  #last = 0;

  next(now: number = Date.now()): number {
    this.#last = Math.max(now * 1000, this.#last + 1);
    return this.#last;
  }
}
