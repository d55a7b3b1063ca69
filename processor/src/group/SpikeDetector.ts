/**
 * How far above its usual rate an error must go to be a spike. Defaults in brackets.
 *
 * The baseline is an exponentially weighted moving average of the fingerprint's occurrences
 * per minute over the minutes it has been watched, quiet minutes counting as zero. The
 * current rate is a sliding minute: this minute's count plus the previous minute's, weighted
 * by how much of it still lies within the last 60 s. A spike is a rate of at least
 * `minRatePerMinute` (20) that is also at least `factor` (5) times the baseline, once the
 * fingerprint has been watched for `warmupMinutes` (5): a brand-new error is announced as a
 * new incident, not as a spike. After a spike the fingerprint stays quiet for
 * `cooldownMinutes` (15), so one storm raises one spike.
 *
 * State lives in memory: after a restart each fingerprint warms up again.
 */
export interface SpikeOptions {
  factor?: number;
  minRatePerMinute?: number;
  /** Weight of the latest minute in the baseline, 0–1 [0.2: roughly the last 10 minutes]. */
  alpha?: number;
  warmupMinutes?: number;
  cooldownMinutes?: number;
}

export interface Spike {
  /** Occurrences within the last minute (sliding). */
  ratePerMinute: number;
  /** The fingerprint's usual occurrences per minute, before this minute. */
  baselinePerMinute: number;
}

interface RateState {
  /** The minute (ms / 60,000, floored) `current` counts. */
  minute: number;
  current: number;
  previous: number;
  baseline: number;
  /** Completed minutes since the fingerprint was first seen. */
  minutesWatched: number;
  lastSpikeAt: number;
}

const MINUTE_MS = 60_000;

export class SpikeDetector {
  readonly factor: number;
  readonly minRatePerMinute: number;
  readonly alpha: number;
  readonly warmupMinutes: number;
  readonly cooldownMs: number;
  readonly #states = new Map<string, RateState>();

  constructor(options: SpikeOptions = {}) {
    this.factor = options.factor ?? 5;
    this.minRatePerMinute = options.minRatePerMinute ?? 20;
    this.alpha = options.alpha ?? 0.2;
    this.warmupMinutes = options.warmupMinutes ?? 5;
    this.cooldownMs = (options.cooldownMinutes ?? 15) * MINUTE_MS;
    if (!(this.alpha > 0 && this.alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${this.alpha}`);
  }

  /** Counts `occurrences` of `key` at `now` (ms) and returns the spike they complete, if any. */
  observe(key: string, occurrences: number, now: number): Spike | undefined {
    const minute = Math.floor(now / MINUTE_MS);
    let state = this.#states.get(key);
    if (state === undefined) {
      state = { minute, current: 0, previous: 0, baseline: 0, minutesWatched: 0, lastSpikeAt: -Infinity };
      this.#states.set(key, state);
    } else if (minute > state.minute) {
      this.#advance(state, minute);
    }
    state.current += occurrences;

    const elapsed = (now - minute * MINUTE_MS) / MINUTE_MS;
    const rate = state.current + state.previous * (1 - elapsed);
    if (
      state.minutesWatched >= this.warmupMinutes &&
      rate >= this.minRatePerMinute &&
      rate >= this.factor * state.baseline &&
      now - state.lastSpikeAt >= this.cooldownMs
    ) {
      state.lastSpikeAt = now;
      return { ratePerMinute: Math.round(rate), baselinePerMinute: Math.round(state.baseline * 100) / 100 };
    }
    return undefined;
  }

  /** The baseline of a key (occurrences per minute), undefined for a key never seen. */
  baselineOf(key: string): number | undefined {
    return this.#states.get(key)?.baseline;
  }

  /** Closes the minutes between the state's minute and `minute`: the counted one, then the quiet ones. */
  #advance(state: RateState, minute: number): void {
    const gap = minute - state.minute;
    state.baseline = state.minutesWatched === 0 ? state.current : state.baseline + this.alpha * (state.current - state.baseline);
    state.baseline *= (1 - this.alpha) ** (gap - 1);
    state.minutesWatched += gap;
    state.previous = gap === 1 ? state.current : 0;
    state.current = 0;
    state.minute = minute;
  }
}
