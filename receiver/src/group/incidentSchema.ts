import { noWrapTtl, type SchemaOptions } from '../store/schema.ts';
import { tableStatements, type TableSpec } from '../store/tableStatements.ts';
import { ALIASES_TABLE } from './groupingSchema.ts';

/**
 * DDL for the incident tables. Same shape on chDB and on a server; on a
 * cluster each table is a replicated local table behind a distributed one,
 * sharded by incident id so an incident's rows (and FINAL) stay on one shard.
 * Every table expires with the logs' retention.
 */
export const INCIDENTS_TABLE = 'incidents';
export const OCCURRENCES_TABLE = 'incident_occurrences';
export const AUDIT_TABLE = 'incident_audit';

export interface IncidentTables {
  incidents: string;
  occurrences: string;
  audit: string;
  /** The fingerprint aliases (groupingSchema.ts): a merged incident's id resolves to the survivor. */
  aliases: string;
}

/** The tables that inserts and reads address: the distributed ones on a cluster. */
export function incidentTables(database: string): IncidentTables {
  return {
    incidents: `${database}.${INCIDENTS_TABLE}`,
    occurrences: `${database}.${OCCURRENCES_TABLE}`,
    audit: `${database}.${AUDIT_TABLE}`,
    aliases: `${database}.${ALIASES_TABLE}`,
  };
}

/**
 * One row per incident state. The repository stamps each saved state with a
 * version that never goes back for an id, so ReplacingMergeTree keeps the
 * newest; readers use FINAL. The maps are the per-store and per-kiosk counts;
 * samples and the ticket policy are JSON because only the API reads them whole.
 */
const INCIDENT_COLUMNS = `
    id String,
    fingerprint String,
    service LowCardinality(String),
    errorType LowCardinality(String),
    exceptionType String,
    severity LowCardinality(String),
    title String,
    ruleId LowCardinality(String),
    ticketPolicy String,
    status LowCardinality(String),
    count UInt64,
    firstSeen DateTime64(3),
    lastSeen DateTime64(3),
    storeCounts Map(String, UInt64),
    kioskCounts Map(String, UInt64),
    samples String CODEC(ZSTD(1)),
    regressions UInt32,
    timeToDetectMs UInt64,
    updatedAt DateTime64(3),
    version UInt64`;

/**
 * One row per detected record. Ordered by incident then time: the histogram
 * of one incident reads one contiguous range; /api/errors and the stats scan
 * by day partition, which the time filters prune.
 */
const OCCURRENCE_COLUMNS = `
    incidentId String,
    timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    detectedAt DateTime64(3) CODEC(Delta(8), ZSTD(1)),
    service LowCardinality(String),
    errorType LowCardinality(String),
    severity LowCardinality(String),
    storeId LowCardinality(String),
    kioskId LowCardinality(String),
    traceId String CODEC(ZSTD(1)),
    spanId String CODEC(ZSTD(1)),
    body String CODEC(ZSTD(1)),
    errorCode LowCardinality(String)`;

const AUDIT_COLUMNS = `
    incidentId String,
    stage LowCardinality(String),
    at DateTime64(3),
    detail String,
    actor LowCardinality(String)`;

function specs(retentionDays: number): TableSpec[] {
  const ttl = (column: string) => `TTL toDateTime(${column}) + toIntervalDay(${retentionDays})`;
  return [
    {
      name: INCIDENTS_TABLE,
      columns: INCIDENT_COLUMNS,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      // An incident lives while anything happened to it within the retention.
      tail: `ORDER BY id\n${ttl('updatedAt')}`,
      shardKey: 'cityHash64(id)',
    },
    {
      name: OCCURRENCES_TABLE,
      columns: OCCURRENCE_COLUMNS,
      engine: 'MergeTree',
      // Dated by the record's time, which may lie past DateTime's 2106: the TTL must not wrap.
      tail: `PARTITION BY toDate(timestamp)\nORDER BY (incidentId, timestamp)\nTTL ${noWrapTtl('timestamp', retentionDays)}\nSETTINGS ttl_only_drop_parts = 1`,
      shardKey: 'cityHash64(incidentId)',
    },
    {
      name: AUDIT_TABLE,
      columns: AUDIT_COLUMNS,
      engine: 'MergeTree',
      tail: `PARTITION BY toYYYYMM(at)\nORDER BY (incidentId, at)\n${ttl('at')}`,
      shardKey: 'cityHash64(incidentId)',
    },
  ];
}

/**
 * Migration 0010: an incident's real example message, and the storm guard's grouping (the storm
 * an incident is grouped under; on a storm incident, how many new incidents it stands for).
 * Columns added with defaults, so rows written before read as no example and no storm.
 */
export function incidentStormColumnsStatements(options: SchemaOptions): string[] {
  const add = [
    "ADD COLUMN IF NOT EXISTS example String DEFAULT ''",
    "ADD COLUMN IF NOT EXISTS stormId String DEFAULT ''",
    'ADD COLUMN IF NOT EXISTS stormSize UInt32 DEFAULT 0',
  ].join(',\n    ');
  const table = `${options.database}.${INCIDENTS_TABLE}`;
  if (!options.cluster) return [`ALTER TABLE ${table}\n    ${add}`];
  const onCluster = ` ON CLUSTER '${options.cluster}'`;
  // The local tables hold the data; the distributed one gets the same columns so that it reads them.
  return [`ALTER TABLE ${table}_local${onCluster}\n    ${add}`, `ALTER TABLE ${table}${onCluster}\n    ${add}`];
}

/** The incident, occurrence and audit tables (listed in the receiver's migrations). */
export function incidentTableStatements(options: SchemaOptions): string[] {
  return specs(options.retentionDays).flatMap((spec) => tableStatements(options, spec));
}

/** The TTL that does not wrap, for occurrence tables created before it (migration 0007). */
export function occurrencesTtlStatement(options: SchemaOptions): string {
  const table = `${options.database}.${OCCURRENCES_TABLE}${options.cluster ? '_local' : ''}`;
  const onCluster = options.cluster ? ` ON CLUSTER '${options.cluster}'` : '';
  return `ALTER TABLE ${table}${onCluster} MODIFY TTL ${noWrapTtl('timestamp', options.retentionDays)}`;
}
