import type { SchemaOptions } from '../store/schema.ts';
import { tableStatements } from '../store/tableStatements.ts';

export const SETTINGS_TABLE = 'stacklens_settings';

/**
 * One row per saved version of a named setting (the Jira integration, the analyser). Every
 * receiver reads the same rows, so they share one configuration; the newest version wins.
 * `secrets` is sealed by SecretBox; `deleted` marks a removed setting.
 */
const SETTINGS_COLUMNS = `
    name String,
    value String,
    secrets String,
    deleted UInt8,
    updatedAt DateTime64(3),
    version UInt64`;

/** The settings table (listed in the receiver's migrations). */
export function settingsTableStatements(options: SchemaOptions): string[] {
  return tableStatements(options, {
    name: SETTINGS_TABLE,
    columns: SETTINGS_COLUMNS,
    engine: 'ReplacingMergeTree',
    engineArgs: 'version',
    tail: 'ORDER BY name',
    shardKey: 'cityHash64(name)',
  });
}
