const MINUTE_MS = 60_000;

/**
 * At most `perMinute` takes in any sliding minute. The stage asks before each model call and
 * answers offline when refused, so a storm of new incidents cannot run up the model's bill.
 */
export class RateLimit {
  #perMinute: number;
  /** Times of the takes within the last minute, oldest first. */
  readonly #takes: number[] = [];

  constructor(perMinute: number) {
    this.#perMinute = checkedRate(perMinute);
  }

  get perMinute(): number {
    return this.#perMinute;
  }

  setRate(perMinute: number): void {
    this.#perMinute = checkedRate(perMinute);
  }

  /** True (and counted) when a take is allowed at `now`. */
  tryTake(now: number): boolean {
    while (this.#takes.length > 0 && this.#takes[0]! <= now - MINUTE_MS) this.#takes.shift();
    if (this.#takes.length >= this.#perMinute) return false;
    this.#takes.push(now);
    return true;
  }
}

function checkedRate(perMinute: number): number {
  if (!Number.isInteger(perMinute) || perMinute < 1)
    throw new RangeError(`a rate limit must be a whole number ≥ 1 per minute, got ${perMinute}`);
  return perMinute;
}
