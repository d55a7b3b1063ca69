/**
 * Remembers the signatures of the Jira events accepted within a window, so the same signed
 * event sent again — captured on the way, or replayed from a log — is refused. Events older
 * than the window are refused by their own timestamp, so nothing older needs remembering.
 */
export class WebhookReplayGuard {
  readonly windowMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Signature → when it was accepted; insertion order is acceptance order. */
  readonly #seen = new Map<string, number>();

  constructor(options: { windowMs?: number; maxRemembered?: number; now?: () => number } = {}) {
    this.windowMs = options.windowMs ?? 10 * 60_000;
    this.#max = options.maxRemembered ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Why an event cannot be accepted (a replay, or too old or too far ahead by its own clock),
   * or undefined; in the latter case the event is remembered until `release` (if it failed).
   */
  claim(signature: string, eventTime: number | undefined): string | undefined {
    const now = this.#now();
    this.#forgetOlderThan(now - this.windowMs);
    if (this.#seen.has(signature)) return 'this event was already received (a replay)';
    if (eventTime !== undefined && Math.abs(now - eventTime) > this.windowMs) {
      return `the event's timestamp is more than ${Math.round(this.windowMs / 60_000)} minutes away from now (a replay, or a clock far off)`;
    }
    this.#seen.set(signature, now);
    // Beyond the bound the oldest go first: a flood of signed events cannot grow memory.
    while (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value!);
    return undefined;
  }

  /** Forgets a claimed event that was not applied, so Jira's retry of it is accepted. */
  release(signature: string): void {
    this.#seen.delete(signature);
  }

  #forgetOlderThan(limit: number): void {
    for (const [signature, at] of this.#seen) {
      if (at >= limit) break;
      this.#seen.delete(signature);
    }
  }
}
