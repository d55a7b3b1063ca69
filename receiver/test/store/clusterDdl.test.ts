import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/migrations.ts';
import { createDatabaseStatement, migrationsTableStatement, type SchemaOptions } from '../../src/store/schema.ts';

// Scale-out as docs/deployment.md describes it: with CLICKHOUSE_CLUSTER every
// statement of every migration (the logs, incidents, settings, AI and Jira
// tables alike, and those still to come) runs on the whole cluster, stores
// its data in replicated tables, and is addressed through a distributed
// table of the name the single-node layout uses.
const options: SchemaOptions = { database: 'stacklens', retentionDays: 30, cluster: 'stacklens_cluster', textIndexes: true };
const statements = [
  createDatabaseStatement(options),
  migrationsTableStatement(options),
  ...migrations(options).flatMap((migration) => migration.statements),
];
const DDL = /^\s*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/;

function tableOf(statement: string): string {
  return /^\s*(?:CREATE TABLE IF NOT EXISTS|ALTER TABLE|DROP TABLE IF EXISTS|DROP TABLE)\s+(\S+)/.exec(statement)?.[1] ?? '';
}

describe('the DDL on a cluster (CLICKHOUSE_CLUSTER)', () => {
  it('runs every statement ON CLUSTER', () => {
    const ddl = statements.filter((statement) => DDL.test(statement));
    expect(ddl.length).toBeGreaterThan(10);
    expect(ddl.filter((statement) => !statement.includes(" ON CLUSTER 'stacklens_cluster'"))).toEqual([]);
  });

  it('keeps every row in a replicated table', () => {
    const engines = statements.flatMap((statement) => [...statement.matchAll(/ENGINE = (\w+)/g)].map((match) => match[1]!));
    expect(engines.filter((engine) => engine.endsWith('MergeTree') && !engine.startsWith('Replicated'))).toEqual([]);
    for (const statement of statements.filter((candidate) => /ENGINE = Replicated/.test(candidate))) {
      // One Keeper path per shard and table, one replica name per server: the server macros {shard} and {replica}.
      expect(statement).toMatch(/Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/stacklens\/\w+', '\{replica\}'/);
    }
  });

  it('puts a distributed table of the single-node name over every local table that holds data', () => {
    const locals = statements
      .filter((statement) => /^\s*CREATE TABLE/.test(statement) && /ENGINE = Replicated/.test(statement))
      .map(tableOf)
      .filter((table) => table.endsWith('_local'));
    expect(locals).toContain('stacklens.otel_logs_local');
    for (const local of locals) {
      const name = local.slice(0, -'_local'.length);
      const distributed = statements.find((statement) => tableOf(statement) === name);
      expect(distributed, name).toMatch(new RegExp(`ENGINE = Distributed\\('stacklens_cluster', 'stacklens', '${local.split('.')[1]}'`));
    }
  });

  it('alters the local tables, where the data and its TTL live (a distributed table only besides its local one)', () => {
    const altered = statements.filter((statement) => /^\s*ALTER TABLE/.test(statement)).map(tableOf);
    expect(altered.length).toBeGreaterThan(0);
    expect(altered.filter((table) => !table.endsWith('_local') && !altered.includes(`${table}_local`))).toEqual([]);
  });

  it('leaves the single-node DDL free of cluster clauses', () => {
    const single = migrations({ ...options, cluster: undefined }).flatMap((migration) => migration.statements);
    expect(single.filter((statement) => /ON CLUSTER|Replicated|Distributed/.test(statement))).toEqual([]);
  });
});
