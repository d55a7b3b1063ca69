import type { TrafficStats } from './startTraffic.ts';

/** One line for a human watching the demo: totals, then failures by code. */
export function formatStats(stats: TrafficStats): string {
  const failures = Object.entries(stats.byOutcome)
    .filter(([outcome]) => outcome !== 'ORDER_PLACED' && outcome !== 'UNREACHABLE')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, count]) => `${outcome} ${count}`);
  const detail = failures.length > 0 ? ` (${failures.join(', ')})` : '';
  return `${stats.sent} sent, ${stats.placed} placed, ${stats.failed} failed${detail}, ${stats.unreachable} unreachable`;
}
