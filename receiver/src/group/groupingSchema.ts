import type { SchemaOptions } from '../store/schema.ts';
import { tableStatements, type TableSpec } from '../store/tableStatements.ts';

/**
 * The group stage's memory, shared by every receiver on the store like the settings: the
 * message templates the miner knows and the fingerprint aliases (a template's later form, or
 * the id of an incident merged into another, and the incident it resolves to). Loaded at
 * start (processor IncidentRepository.loadGrouping), written with each flush.
 */
export const TEMPLATES_TABLE = 'incident_templates';
export const ALIASES_TABLE = 'incident_aliases';

export interface GroupingTables {
  templates: string;
  aliases: string;
}

/** The tables that inserts and reads address: the distributed ones on a cluster. */
export function groupingTables(database: string): GroupingTables {
  return { templates: `${database}.${TEMPLATES_TABLE}`, aliases: `${database}.${ALIASES_TABLE}` };
}

/**
 * One row per template state: a template that generalised is written again with `removed` 1
 * under its old text, and the newest version of a (scope, template) wins (readers use FINAL).
 * A template no message matched within the retention expires.
 */
const TEMPLATE_COLUMNS = `
    scope String,
    template String,
    removed UInt8,
    updatedAt DateTime64(3),
    version UInt64`;

/**
 * Append-only: every alias ever made, in order (`seq`: microseconds, never going back in a
 * writer, so aliases of one flush keep their order). Read whole and replayed in order at start, so
 * that two incidents two receivers made of one template both claim it, and merge then. An
 * alias of a fingerprint to itself undoes its earlier aliases (an unmerge).
 */
const ALIAS_COLUMNS = `
    fingerprint String,
    incidentId String,
    at DateTime64(3),
    seq UInt64,
    actor LowCardinality(String)`;

function specs(retentionDays: number): TableSpec[] {
  return [
    {
      name: TEMPLATES_TABLE,
      columns: TEMPLATE_COLUMNS,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: `ORDER BY (scope, template)\nTTL toDateTime(updatedAt) + toIntervalDay(${retentionDays})`,
      shardKey: 'cityHash64(scope)',
    },
    {
      name: ALIASES_TABLE,
      columns: ALIAS_COLUMNS,
      engine: 'MergeTree',
      tail: `ORDER BY (seq, fingerprint)\nTTL toDateTime(at) + toIntervalDay(${retentionDays})`,
      shardKey: 'cityHash64(fingerprint)',
    },
  ];
}

/** The template and alias tables (listed in the receiver's migrations). */
export function groupingTableStatements(options: SchemaOptions): string[] {
  return specs(options.retentionDays).flatMap((spec) => tableStatements(options, spec));
}
