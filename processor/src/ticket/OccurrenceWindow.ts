/** Longest window a ticket policy may ask for (a day), and so the longest history kept. */
const MAX_WINDOW_MS = 86_400_000;
const MAX_ENTRIES = 4_096;

/**
 * Occurrences of one incident over time, to evaluate "after N occurrences within M minutes".
 * The tracker reports occurrences in coalesced batches, a few per second at most per incident,
 * so a list of (time, count) stays short.
 */
export class OccurrenceWindow {
  #entries: Array<[at: number, count: number]> = [];

  add(at: number, count: number): void {
    if (count <= 0) return;
    this.#entries.push([at, count]);
    const oldest = at - MAX_WINDOW_MS;
    while (this.#entries.length > 0 && this.#entries[0]![0] < oldest) this.#entries.shift();
    if (this.#entries.length > MAX_ENTRIES) this.#merge();
  }

  /** Occurrences within the `windowMs` up to `now`. */
  count(now: number, windowMs: number): number {
    const since = now - windowMs;
    let total = 0;
    for (const [at, count] of this.#entries) if (at >= since) total += count;
    return total;
  }

  // Pairs neighbouring entries into one at the later time: counts are never lost, only pushed later.
  #merge(): void {
    const merged: Array<[number, number]> = [];
    for (let i = 0; i < this.#entries.length; i += 2) {
      const [a, b] = [this.#entries[i]!, this.#entries[i + 1]];
      merged.push(b ? [b[0], a[1] + b[1]] : a);
    }
    this.#entries = merged;
  }
}
