import { describe, expect, it } from 'vitest';
import { incidentTableStatements, incidentTables } from '../../src/group/incidentSchema.ts';
import { migrations } from '../../src/migrations.ts';

const base = { database: 'stacklens', retentionDays: 30, textIndexes: true };

describe('incident tables DDL', () => {
  it('follows the logs migration in the store migrations', () => {
    expect(
      migrations(base)
        .map((m) => m.id)
        .slice(0, 2),
    ).toEqual(['0001_otel_logs', '0002_incidents']);
  });

  it('on a single server: ReplacingMergeTree incidents and MergeTree occurrences and audit, with the retention TTL', () => {
    const [incidents, occurrences, audit, ...rest] = incidentTableStatements(base);
    expect(rest).toEqual([]);
    expect(incidents).toContain('CREATE TABLE IF NOT EXISTS stacklens.incidents (');
    expect(incidents).toContain('ENGINE = ReplacingMergeTree(version)\nORDER BY id');
    expect(incidents).toContain('storeCounts Map(String, UInt64)');
    expect(incidents).toContain('TTL toDateTime(updatedAt) + toIntervalDay(30)');
    expect(occurrences).toContain('CREATE TABLE IF NOT EXISTS stacklens.incident_occurrences (');
    expect(occurrences).toContain('ENGINE = MergeTree\nPARTITION BY toDate(timestamp)\nORDER BY (incidentId, timestamp)');
    expect(occurrences).toContain('TTL toDateTime(least(toUnixTimestamp64Second(timestamp) + 2592000, 4294967295))');
    expect(audit).toContain('CREATE TABLE IF NOT EXISTS stacklens.incident_audit (');
    expect(audit).toContain('ORDER BY (incidentId, at)');
    for (const ddl of [incidents, occurrences, audit]) expect(ddl).not.toContain('ON CLUSTER');
  });

  it('on a cluster: replicated local tables behind distributed ones, sharded by incident', () => {
    const statements = incidentTableStatements({ ...base, cluster: 'c1', retentionDays: 7 });
    expect(statements).toHaveLength(6);
    const [incidentsLocal, incidents, occurrencesLocal, occurrences] = statements;
    expect(incidentsLocal).toContain("CREATE TABLE IF NOT EXISTS stacklens.incidents_local ON CLUSTER 'c1'");
    expect(incidentsLocal).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/stacklens/incidents_local', '{replica}', version)",
    );
    expect(incidentsLocal).toContain('toIntervalDay(7)');
    expect(incidents).toContain("ENGINE = Distributed('c1', 'stacklens', 'incidents_local', cityHash64(id))");
    expect(occurrencesLocal).toContain(
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/stacklens/incident_occurrences_local', '{replica}')",
    );
    expect(occurrences).toContain("'incident_occurrences_local', cityHash64(incidentId))");
  });

  it('names the tables readers and writers address', () => {
    expect(incidentTables('db')).toEqual({
      incidents: 'db.incidents',
      occurrences: 'db.incident_occurrences',
      audit: 'db.incident_audit',
      aliases: 'db.incident_aliases',
    });
  });
});
