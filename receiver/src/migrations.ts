import { analysesTableStatements } from './enrich/aiSchema.ts';
import { groupingTableStatements } from './group/groupingSchema.ts';
import { incidentStormColumnsStatements, incidentTableStatements, occurrencesTtlStatement } from './group/incidentSchema.ts';
import { settingsTableStatements } from './settings/settingsSchema.ts';
import { openLogStore, SCHEMA_RETRY_MS, type LogStore, type StoreConfig } from './store/LogStore.ts';
import { otelLogsExporterLayoutStatements, otelLogsTableStatements, otelLogsTtlStatement } from './store/otelLogsTable.ts';
import type { ClickHouseTransport } from './store/ClickHouseTransport.ts';
import type { Migration, SchemaOptions } from './store/schema.ts';
import { jiraTableStatements } from './ticket/jiraSchema.ts';

/**
 * Every table of the receiver, as migrations numbered here and nowhere else. Each statement is
 * idempotent, so a rerun is harmless; a new table or change gets the next id at the end.
 */
export function migrations(options: SchemaOptions): Migration[] {
  return [
    { id: '0001_otel_logs', statements: otelLogsTableStatements(options) },
    { id: '0002_incidents', statements: incidentTableStatements(options) },
    { id: '0003_settings', statements: settingsTableStatements(options) },
    { id: '0004_ai', statements: analysesTableStatements(options) },
    { id: '0005_jira', statements: jiraTableStatements(options) },
    // Tables created before the TTL stopped wrapping get the new one.
    { id: '0006_otel_logs_ttl_no_wrap', statements: [otelLogsTtlStatement(options)] },
    // Occurrence rows are dated by their record's time too.
    { id: '0007_occurrences_ttl_no_wrap', statements: [occurrencesTtlStatement(options)] },
    // Tables made before the exporter v0.165.0 layout get its codecs, comments, materialized columns and index.
    { id: '0008_otel_logs_exporter_v0_165', statements: otelLogsExporterLayoutStatements(options) },
    // The template miner's templates and the fingerprint aliases, shared by every receiver.
    { id: '0009_grouping', statements: groupingTableStatements(options) },
    // An incident's example message, and the storm it is grouped under (or, on a storm, how many it stands for).
    { id: '0010_incident_example_storm', statements: incidentStormColumnsStatements(options) },
  ];
}

/** Opens the configured store with the receiver's tables up to date (see openLogStore). */
export function openStore(config: StoreConfig, transport?: ClickHouseTransport, schemaRetryMs = SCHEMA_RETRY_MS): Promise<LogStore> {
  return openLogStore(config, migrations, transport, schemaRetryMs);
}
