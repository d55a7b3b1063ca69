export interface RetryOptions {
  /** First back-off after a 5xx or network error [1 s]. */
  baseMs: number;
  /** Longest back-off [5 min]. */
  maxMs: number;
  /** Wait after a 429 that carried no Retry-After [30 s]. */
  rateLimitMs: number;
  /** A job still failing this long after it was queued is given up [24 h]. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { baseMs: 1_000, maxMs: 300_000, rateLimitMs: 30_000, giveUpAfterMs: 86_400_000 };

/**
 * Exponential back-off with "equal jitter": half the doubled delay is kept, the other half
 * drawn at random, so receivers that failed together do not all come back at once, yet
 * none retries sooner than half the schedule.
 */
export function backoffMs(attempts: number, options: Pick<RetryOptions, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
