import { describe, expect, it } from 'vitest';
import { collectorVariables, environmentReads, readText, sourceFiles, substitutedVariables, yamlFiles } from './support/configFiles.ts';

/** Where services, scripts and benchmarks read their environment (tests are not services: only the switches' readers). */
const CODE = [
  'telemetry/src',
  'processor/src',
  'receiver/src',
  'demo-pos/src',
  'collector/src',
  'scripts',
  'bench',
  'collector/test/support/collectorBinary.ts',
  'grafana-plugin/harness',
  'grafana-plugin/test/browser/liveToTicket.test.ts',
  'receiver/test/reliability/schemathesis.test.ts',
];

function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readText('docs/configuration.md').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !cells[1]?.startsWith('`')) continue;
    for (const name of cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(name[1]!, line);
  }
  return rows;
}

function readEverywhere(): Map<string, string[]> {
  const reads = environmentReads(sourceFiles(CODE));
  const add = (name: string, where: string) => reads.set(name, [...(reads.get(name) ?? []), where]);
  for (const file of ['otel-collector-config.yaml', 'otel-collector-ingest-auth.yaml']) {
    for (const name of collectorVariables(readText(file)).keys()) add(name, file);
  }
  for (const name of substitutedVariables(readText('docker-compose.yml'))) add(name, 'docker-compose.yml');
  for (const file of yamlFiles('grafana-plugin/provisioning')) {
    for (const name of substitutedVariables(readText(file))) add(name, file);
  }
  return reads;
}

describe('docs/configuration.md', () => {
  const rows = documented();
  const reads = readEverywhere();

  it('finds the variables this test is built to find (a broken scanner must not pass silently)', () => {
    for (const name of ['RECEIVER_PORT', 'CLICKHOUSE_URL', 'POS_PORT', 'OTEL_SDK_DISABLED', 'STACKLENS_RECEIVER_URL', 'GRAFANA_VERSION']) {
      expect(reads.has(name), name).toBe(true);
    }
    expect(rows.size).toBeGreaterThan(40);
  });

  it('has a row for every variable the code, the Collector configuration, compose and the Grafana provisioning read', () => {
    const missing = [...reads].filter(([name]) => !rows.has(name)).map(([name, where]) => `${name} (read in ${where.join(', ')})`);
    expect(missing, 'add these to the table in docs/configuration.md').toEqual([]);
  });

  it('lists no variable that nothing reads', () => {
    expect(
      [...rows.keys()].filter((name) => !reads.has(name)),
      'stale rows in docs/configuration.md',
    ).toEqual([]);
  });

  it('gives each row who reads it, a default and a meaning', () => {
    for (const [name, line] of rows) {
      const [, , readBy, fallback, meaning] = line.split('|').map((cell) => cell.trim());
      expect(readBy, name).not.toBe('');
      expect(fallback, name).not.toBe('');
      expect(meaning, name).not.toBe('');
    }
  });

  it('states the Collector configuration’s defaults as the configuration has them', () => {
    const defaults = collectorVariables(readText('otel-collector-config.yaml'));
    for (const [name, fallback] of defaults) {
      if (fallback === '') continue;
      expect(rows.get(name), name).toContain(`\`${fallback}\``);
    }
  });
});
