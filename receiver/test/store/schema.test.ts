import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/migrations.ts';
import { migrationsTableStatement, supportsTextIndexes } from '../../src/store/schema.ts';

const base = { database: 'stacklens', retentionDays: 30, textIndexes: true };

function statements(options: Parameters<typeof migrations>[0]): string[] {
  return migrations(options).flatMap((migration) => migration.statements);
}

describe('otel_logs DDL', () => {
  it('matches the clickhouseexporter layout on a single server', () => {
    const [ddl, ...rest] = migrations(base)[0]!.statements;
    expect(rest).toEqual([]);
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS stacklens.otel_logs (');
    // The exporter v0.165.0's columns (collector/test/exporterOracle.test.ts compares the whole table with its own DDL).
    expect(ddl).toContain("`Timestamp` DateTime64(9) COMMENT 'Event timestamp with nanosecond precision' CODEC(Delta(8), ZSTD(3))");
    expect(ddl).toContain(
      "`ResourceAttributes` Map(LowCardinality(String), String) COMMENT 'Resource attributes as key-value pairs' CODEC(ZSTD(3))",
    );
    expect(ddl).toContain("`EventName` String COMMENT 'Event name for log records representing events' CODEC(ZSTD(3))");
    expect(ddl).toContain(
      "`__otel_materialized_deployment.environment.name` LowCardinality(String) MATERIALIZED ResourceAttributes['deployment.environment.name'] CODEC(ZSTD(3))",
    );
    expect(ddl?.match(/__otel_materialized_/g)).toHaveLength(8);
    expect(ddl).not.toContain('ZSTD(1)');
    expect(ddl).not.toContain('TimestampTime');
    expect(ddl).toContain('ENGINE = MergeTree\n');
    expect(ddl).toContain('PARTITION BY toDate(Timestamp)');
    expect(ddl).toContain('ORDER BY (toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)');
    // The exporter's TTL without its wrap past 2106: expiry in 64-bit seconds, capped at DateTime's end.
    expect(ddl).toContain('TTL toDateTime(least(toUnixTimestamp64Second(Timestamp) + 2592000, 4294967295))');
    expect(ddl).toContain('non_replicated_deduplication_window = 1000');
    expect(ddl).not.toContain('ON CLUSTER');
  });

  it('uses text indexes on 26.2+ and bloom/token filters before', () => {
    expect(statements(base)[0]).toContain("INDEX idx_lower_body lower(Body) TYPE text(tokenizer = 'splitByNonAlpha')");
    const old = statements({ ...base, textIndexes: false })[0];
    expect(old).toContain('INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1');
    expect(old).toContain('TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8');
    expect(old).toContain('INDEX idx_event_name EventName TYPE bloom_filter(0.01) GRANULARITY 1');
    expect(old).not.toContain('TYPE text(');
    expect(statements(base)[0]).not.toContain('idx_event_name');
  });

  it('on a cluster: replicated local table ON CLUSTER behind a distributed table', () => {
    const [local, distributed] = statements({ ...base, cluster: 'logs_cluster', retentionDays: 7 });
    expect(local).toContain("CREATE TABLE IF NOT EXISTS stacklens.otel_logs_local ON CLUSTER 'logs_cluster'");
    expect(local).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/stacklens/otel_logs_local', '{replica}')");
    expect(local).toContain('toUnixTimestamp64Second(Timestamp) + 604800,');
    expect(local).not.toContain('non_replicated_deduplication_window');
    expect(distributed).toContain("CREATE TABLE IF NOT EXISTS stacklens.otel_logs ON CLUSTER 'logs_cluster'");
    expect(distributed).toContain("ENGINE = Distributed('logs_cluster', 'stacklens', 'otel_logs_local'");
    expect(migrationsTableStatement({ ...base, cluster: 'logs_cluster' })).toContain('ReplicatedReplacingMergeTree');
  });

  it('gives tables created before the TTL fix the TTL that does not wrap past 2106', () => {
    const ttl = migrations(base).find((migration) => migration.id === '0006_otel_logs_ttl_no_wrap')!;
    expect(ttl.statements).toEqual([
      'ALTER TABLE stacklens.otel_logs MODIFY TTL toDateTime(least(toUnixTimestamp64Second(Timestamp) + 2592000, 4294967295))',
    ]);
    const [onCluster] = migrations({ ...base, cluster: 'c' }).find(
      (migration) => migration.id === '0006_otel_logs_ttl_no_wrap',
    )!.statements;
    expect(onCluster).toBe(
      "ALTER TABLE stacklens.otel_logs_local ON CLUSTER 'c' MODIFY TTL toDateTime(least(toUnixTimestamp64Second(Timestamp) + 2592000, 4294967295))",
    );
  });

  it('gives occurrence tables, dated by record time too, the TTL that does not wrap', () => {
    const ttl = 'toDateTime(least(toUnixTimestamp64Second(timestamp) + 2592000, 4294967295))';
    const created = migrations(base)
      .find((migration) => migration.id === '0002_incidents')!
      .statements.join('\n');
    expect(created).toContain(`TTL ${ttl}`);
    expect(migrations(base).find((migration) => migration.id === '0007_occurrences_ttl_no_wrap')!.statements).toEqual([
      `ALTER TABLE stacklens.incident_occurrences MODIFY TTL ${ttl}`,
    ]);
    expect(migrations({ ...base, cluster: 'c' }).find((migration) => migration.id === '0007_occurrences_ttl_no_wrap')!.statements).toEqual([
      `ALTER TABLE stacklens.incident_occurrences_local ON CLUSTER 'c' MODIFY TTL ${ttl}`,
    ]);
  });

  it('knows which versions have text indexes', () => {
    expect(supportsTextIndexes('26.7.2.1')).toBe(true);
    expect(supportsTextIndexes('26.2.1')).toBe(true);
    expect(supportsTextIndexes('26.1.9')).toBe(false);
    expect(supportsTextIndexes('25.12.1')).toBe(false);
    expect(supportsTextIndexes('27.1')).toBe(true);
    expect(supportsTextIndexes('18.16.1')).toBe(false);
  });
});
