export interface CommentThrottleOptions {
  /** At most one recurrence comment per ticket this often… */
  intervalMs: number;
  /** …unless the count doubled since the last update and at least this long has passed. */
  doublingGapMs: number;
}

export interface LastUpdate {
  /** ms since the epoch of the ticket's last update by StackLens (its creation or a comment). */
  at: number;
  /** The incident's count then. */
  count: number;
}

/**
 * Whether the ticket hears of more occurrences now. Jira limits writes per issue and people
 * stop reading a ticket that comments on every error, so a storm gives a handful of comments.
 */
export function shouldComment(now: number, count: number, last: LastUpdate, options: CommentThrottleOptions): boolean {
  if (count <= last.count) return false;
  const elapsed = now - last.at;
  if (elapsed >= options.intervalMs) return true;
  return count >= 2 * Math.max(1, last.count) && elapsed >= options.doublingGapMs;
}
