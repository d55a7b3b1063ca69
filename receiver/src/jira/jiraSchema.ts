import type { Migration, SchemaOptions } from '../store/schema.ts';

/** The tables of this integration (migration 0005_jira). */
export function jiraMigrations(_options: SchemaOptions): Migration[] {
  return [];
}
