/**
 * The tokens of the last `capacity` requests stored, oldest forgotten first. A Set keeps
 * insertion order, so the oldest entry is always the first one.
 */
export class RecentTokens {
  readonly #capacity: number;
  readonly #tokens = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  has(token: string): boolean {
    return this.#tokens.has(token);
  }

  add(token: string): void {
    if (this.#capacity <= 0) return;
    this.#tokens.delete(token);
    this.#tokens.add(token);
    if (this.#tokens.size > this.#capacity) this.#tokens.delete(this.#tokens.values().next().value!);
  }

  get size(): number {
    return this.#tokens.size;
  }
}
