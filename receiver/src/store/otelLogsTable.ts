import { noWrapTtl, onCluster, type SchemaOptions } from './schema.ts';

/**
 * DDL for the `otel_logs` table in the layout of the Collector's contrib
 * `clickhouseexporter` (since v0.151): same columns, codecs, partitioning,
 * ordering and TTL, so the Grafana ClickHouse datasource's OpenTelemetry log
 * views read it unchanged.
 */
export const LOGS_TABLE = 'otel_logs';

const COLUMNS = `
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    TraceFlags UInt8,
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8,
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Body String CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    EventName String CODEC(ZSTD(1)),`;

const TEXT_INDEXES = `
    INDEX idx_trace_id TraceId TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE text(tokenizer = 'array'),
    INDEX idx_lower_body lower(Body) TYPE text(tokenizer = 'splitByNonAlpha')`;

const BLOOM_INDEXES = `
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8`;

/** The table that inserts and reads address: distributed on a cluster, the table itself otherwise. */
export function logsTableName(options: Pick<SchemaOptions, 'database'>): string {
  return `${options.database}.${LOGS_TABLE}`;
}

/** The `otel_logs` table (a distributed one over replicated local tables on a cluster). */
export function otelLogsTableStatements(options: SchemaOptions): string[] {
  const { database, cluster } = options;
  if (!cluster) return [logsTable(options, `${database}.${LOGS_TABLE}`, 'MergeTree')];
  const local = `${LOGS_TABLE}_local`;
  const replicated = `ReplicatedMergeTree('/clickhouse/tables/{shard}/${database}/${local}', '{replica}')`;
  return [
    logsTable(options, `${database}.${local}`, replicated),
    `CREATE TABLE IF NOT EXISTS ${database}.${LOGS_TABLE}${onCluster(options)}
AS ${database}.${local}
ENGINE = Distributed('${cluster}', '${database}', '${local}', cityHash64(ServiceName, TraceId))`,
  ];
}

/**
 * The exporter writes `TTL toDateTime(Timestamp) + toIntervalDay(N)`, but DateTime ends in 2106:
 * past it (or within N days of it) the sum wraps to 1970–2106 and the TTL drops the row as
 * expired, silently, although DateTime64(9) holds it up to 2262. The expiry is computed in
 * 64-bit seconds and capped at DateTime's end instead, so such rows stay (until 2106). The data
 * layout, which is what readers depend on, is unchanged.
 */
function logsTtl(retentionDays: number): string {
  return noWrapTtl('Timestamp', retentionDays);
}

/** The TTL that does not wrap, for `otel_logs` tables created before it. */
export function otelLogsTtlStatement(options: SchemaOptions): string {
  const table = options.cluster ? `${options.database}.${LOGS_TABLE}_local` : logsTableName(options);
  return `ALTER TABLE ${table}${onCluster(options)} MODIFY TTL ${logsTtl(options.retentionDays)}`;
}

function logsTable(options: SchemaOptions, name: string, engine: string): string {
  const indexes = options.textIndexes ? TEXT_INDEXES : BLOOM_INDEXES;
  // non_replicated_deduplication_window lets a retried insert that carries the
  // same insert_deduplication_token store nothing twice (replicated tables
  // deduplicate by default).
  return `CREATE TABLE IF NOT EXISTS ${name}${onCluster(options)} (${COLUMNS}
${indexes}
) ENGINE = ${engine}
PARTITION BY toDate(Timestamp)
ORDER BY (toStartOfFiveMinutes(Timestamp), ServiceName, Timestamp)
TTL ${logsTtl(options.retentionDays)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1${options.cluster ? '' : ', non_replicated_deduplication_window = 1000'}`;
}
