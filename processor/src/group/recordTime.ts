/**
 * `otel_logs` timestamps are nanoseconds since the epoch as decimal strings; JavaScript dates
 * hold milliseconds. Cutting the last six digits avoids BigInt on a per-record path.
 */
export function millisFromNanos(nanos: string, fallback: number): number {
  if (nanos.length <= 6) return /^\d+$/.test(nanos) ? 0 : fallback;
  const millis = Number(nanos.slice(0, -6));
  return Number.isFinite(millis) ? millis : fallback;
}

export function isoFromMillis(millis: number): string {
  return new Date(millis).toISOString();
}
