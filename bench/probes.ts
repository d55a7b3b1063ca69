import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_PATH } from '@stacklens/processor';
/** What the latency benchmarks share: distinct probe messages and percentiles. */

/**
 * Letters only: as the leading token of a message, it routes the template miner to a template
 * of its own, so the fingerprint (and the title) differs per probe.
 */
export function word(n: number): string {
  let out = '';
  let value = n + 26 * 26;
  while (value > 0) {
    out = String.fromCharCode(97 + (value % 26)) + out;
    value = Math.floor(value / 26);
  }
  return out;
}

/** The nearest-rank percentile of values sorted in ascending order. */
export function percentile(sorted: ReadonlyArray<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A rules file for the latency benches: the shipped rules with the storm guard out of the way.
 * Their probes are many distinct new incidents in a minute on purpose, which the guard would
 * (rightly) put into one storm incident; and without the guard's hold (unless `holdSeconds` is
 * given), whose few seconds before each new incident's analysis and ticket these benches would
 * otherwise measure. Written into `dir`; its path for STACKLENS_RULES_FILE.
 */
export function rulesWithoutStormGuard(dir: string, holdSeconds = 0): string {
  const path = join(dir, 'rules-without-storm-guard.yaml');
  writeFileSync(path, `${readFileSync(DEFAULT_RULES_PATH, 'utf8')}\nstorm: { maxNewIncidents: 1000000, holdSeconds: ${holdSeconds} }\n`);
  return path;
}
