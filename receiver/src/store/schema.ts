/**
 * What every table's DDL depends on: the database, the retention, a cluster (ON CLUSTER with
 * replicated tables behind distributed ones) and the server's index support; and the
 * migrations that the store applies in order, each recorded once in `schema_migrations`.
 */
export interface SchemaOptions {
  database: string;
  retentionDays: number;
  /** Makes every statement ON CLUSTER, with replicated local tables behind a distributed one. */
  cluster?: string;
  /** Server 26.2+ has `text` indexes; older servers get bloom and token filters. */
  textIndexes: boolean;
}

export interface Migration {
  id: string;
  statements: string[];
}

export function createDatabaseStatement(options: SchemaOptions): string {
  return `CREATE DATABASE IF NOT EXISTS ${options.database}${onCluster(options)}`;
}

export function migrationsTableStatement(options: SchemaOptions): string {
  const engine = options.cluster
    ? `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${options.database}/schema_migrations', '{replica}')`
    : 'ReplacingMergeTree';
  return `CREATE TABLE IF NOT EXISTS ${options.database}.schema_migrations${onCluster(options)} (
    id String,
    applied_at DateTime64(3) DEFAULT now64(3)
) ENGINE = ${engine}
ORDER BY id`;
}

/** The expiry of a row dated by a DateTime64 column that holds record times (see otelLogsTable.ts). */
export function noWrapTtl(column: string, retentionDays: number): string {
  return `toDateTime(least(toUnixTimestamp64Second(${column}) + ${retentionDays * 86_400}, 4294967295))`;
}

export function onCluster(options: SchemaOptions): string {
  return options.cluster ? ` ON CLUSTER '${options.cluster}'` : '';
}

/** Text indexes are generally available from ClickHouse 26.2. */
export function supportsTextIndexes(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 26 || (major === 26 && minor >= 2);
}
