import { noWrapTtl, onCluster, type SchemaOptions } from './schema.ts';

/**
 * DDL for the `otel_logs` table in the layout of the Collector's contrib
 * `clickhouseexporter` v0.165.0: same columns, comments, codecs, materialized
 * columns, indexes, partitioning, ordering and settings (collector/test/exporterOracle.test.ts
 * runs the exporter's own DDL beside ours and compares them), and its TTL but for
 * the wrap past 2106 (logsTtl), so the Grafana ClickHouse datasource's
 * OpenTelemetry log views read it unchanged.
 */
export const LOGS_TABLE = 'otel_logs';

/**
 * The columns as the exporter's v0.165.0 template has them
 * (exporter/clickhouseexporter/internal/sqltemplates/logs_table.sql): name, type, comment and
 * codec. The migration for tables made before (see exporterColumnsStatements) reuses them.
 */
const LOG_COLUMN_DEFINITIONS: ReadonlyArray<readonly [name: string, type: string, comment: string, codec: string]> = [
  ['Timestamp', 'DateTime64(9)', 'Event timestamp with nanosecond precision', 'Delta(8), ZSTD(3)'],
  ['TraceId', 'String', 'W3C trace identifier', 'ZSTD(3)'],
  ['SpanId', 'String', 'W3C span identifier', 'ZSTD(3)'],
  ['TraceFlags', 'UInt8', 'W3C trace flags', ''],
  ['SeverityText', 'LowCardinality(String)', 'Log severity as text', 'ZSTD(3)'],
  ['SeverityNumber', 'UInt8', 'Log severity as number (1-24)', ''],
  ['ServiceName', 'LowCardinality(String)', 'Service that emitted the log', 'ZSTD(3)'],
  ['Body', 'String', 'Log message body', 'ZSTD(3)'],
  ['ResourceSchemaUrl', 'LowCardinality(String)', 'Schema URL for the resource', 'ZSTD(3)'],
  ['ResourceAttributes', 'Map(LowCardinality(String), String)', 'Resource attributes as key-value pairs', 'ZSTD(3)'],
  ['ScopeSchemaUrl', 'LowCardinality(String)', 'Schema URL for the instrumentation scope', 'ZSTD(3)'],
  ['ScopeName', 'String', 'Instrumentation scope name', 'ZSTD(3)'],
  ['ScopeVersion', 'LowCardinality(String)', 'Instrumentation scope version', 'ZSTD(3)'],
  ['ScopeAttributes', 'Map(LowCardinality(String), String)', 'Instrumentation scope attributes', 'ZSTD(3)'],
  ['LogAttributes', 'Map(LowCardinality(String), String)', 'Log record attributes', 'ZSTD(3)'],
  ['EventName', 'String', 'Event name for log records representing events', 'ZSTD(3)'],
];

/** Resource attributes the exporter's table materializes as columns of their own, for fast filters. */
const MATERIALIZED_ATTRIBUTES = [
  'k8s.cluster.name',
  'k8s.container.name',
  'k8s.deployment.name',
  'k8s.namespace.name',
  'k8s.node.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'deployment.environment.name',
];

function columnDefinition([name, type, comment, codec]: readonly [string, string, string, string]): string {
  return `\`${name}\` ${type} COMMENT '${comment}'${codec ? ` CODEC(${codec})` : ''}`;
}

function materializedColumn(attribute: string): string {
  return `\`__otel_materialized_${attribute}\` LowCardinality(String) MATERIALIZED ResourceAttributes['${attribute}'] CODEC(ZSTD(3))`;
}

const COLUMNS = [...LOG_COLUMN_DEFINITIONS.map(columnDefinition), ...MATERIALIZED_ATTRIBUTES.map(materializedColumn)]
  .map((column) => `\n    ${column},`)
  .join('');

const EVENT_NAME_BLOOM_INDEX = 'idx_event_name EventName TYPE bloom_filter(0.01) GRANULARITY 1';

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
    INDEX idx_lower_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8,
    INDEX ${EVENT_NAME_BLOOM_INDEX}`;

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

/**
 * Brings an `otel_logs` made by an earlier receiver to the exporter v0.165.0 layout: ZSTD(3)
 * and the comments on every column (metadata only: parts written before keep their codec until
 * merged), the eight materialized resource-attribute columns (computed for old parts when read,
 * stored from the next insert or merge) and, with bloom filters, the EventName index. Each
 * statement is idempotent. On a cluster the local tables change, and the distributed table
 * gets the same columns so that it reads them.
 */
export function otelLogsExporterLayoutStatements(options: SchemaOptions): string[] {
  const local = options.cluster ? `${options.database}.${LOGS_TABLE}_local` : logsTableName(options);
  const modify = LOG_COLUMN_DEFINITIONS.map((column) => `MODIFY COLUMN ${columnDefinition(column)}`);
  const add = MATERIALIZED_ATTRIBUTES.map((attribute) => `ADD COLUMN IF NOT EXISTS ${materializedColumn(attribute)}`);
  const index = options.textIndexes ? [] : [`ADD INDEX IF NOT EXISTS ${EVENT_NAME_BLOOM_INDEX}`];
  const statements = [`ALTER TABLE ${local}${onCluster(options)}\n    ${[...modify, ...add, ...index].join(',\n    ')}`];
  if (options.cluster) {
    statements.push(`ALTER TABLE ${logsTableName(options)}${onCluster(options)}\n    ${[...modify, ...add].join(',\n    ')}`);
  }
  return statements;
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
