import type { SchemaOptions } from '../store/schema.ts';
import { tableStatements } from '../store/tableStatements.ts';

export const ANALYSES_TABLE = 'incident_analyses';

/** The table that inserts and reads address: the distributed one on a cluster. */
export function analysesTable(database: string): string {
  return `${database}.${ANALYSES_TABLE}`;
}

/**
 * One row per analysis of an incident; a refresh adds a newer version and ReplacingMergeTree
 * keeps the newest (readers use FINAL). The whole analysis is JSON, read whole by the API;
 * analyser, category and confidence are columns too, for dashboards on the ClickHouse
 * datasource. Analyses expire with the logs' retention.
 */
const ANALYSIS_COLUMNS = `
    incidentId String,
    fingerprint String,
    analyser LowCardinality(String),
    model LowCardinality(String),
    category LowCardinality(String),
    confidence Float32,
    analysis String CODEC(ZSTD(1)),
    createdAt DateTime64(3),
    version UInt64`;

/** The analyses table (listed in the receiver's migrations). */
export function analysesTableStatements(options: SchemaOptions): string[] {
  return tableStatements(options, {
    name: ANALYSES_TABLE,
    columns: ANALYSIS_COLUMNS,
    engine: 'ReplacingMergeTree',
    engineArgs: 'version',
    tail: `ORDER BY incidentId\nTTL toDateTime(createdAt) + toIntervalDay(${options.retentionDays})`,
    shardKey: 'cityHash64(incidentId)',
  });
}
