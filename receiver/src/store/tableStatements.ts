import type { SchemaOptions } from './schema.ts';

/**
 * The DDL of one of our tables: as it is on a single node (chDB or a server), or, on a cluster,
 * a replicated local table behind a distributed one with the same name, so inserts and reads
 * address one name everywhere.
 */
export interface TableSpec {
  name: string;
  columns: string;
  /** The engine's name without Replicated and without arguments. */
  engine: 'MergeTree' | 'ReplacingMergeTree';
  engineArgs?: string;
  tail: string;
  shardKey: string;
}

export function tableStatements(options: SchemaOptions, spec: TableSpec): string[] {
  const { database, cluster } = options;
  const args = spec.engineArgs ? `(${spec.engineArgs})` : '';
  if (!cluster) return [createTable(`${database}.${spec.name}`, '', spec, `${spec.engine}${args}`)];
  const local = `${spec.name}_local`;
  const on = ` ON CLUSTER '${cluster}'`;
  const replicatedArgs = [`'/clickhouse/tables/{shard}/${database}/${local}'`, `'{replica}'`];
  if (spec.engineArgs) replicatedArgs.push(spec.engineArgs);
  return [
    createTable(`${database}.${local}`, on, spec, `Replicated${spec.engine}(${replicatedArgs.join(', ')})`),
    `CREATE TABLE IF NOT EXISTS ${database}.${spec.name}${on}
AS ${database}.${local}
ENGINE = Distributed('${cluster}', '${database}', '${local}', ${spec.shardKey})`,
  ];
}

function createTable(name: string, onCluster: string, spec: TableSpec, engine: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name}${onCluster} (${spec.columns}
) ENGINE = ${engine}
${spec.tail}`;
}
