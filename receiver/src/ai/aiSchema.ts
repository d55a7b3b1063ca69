import type { Migration, SchemaOptions } from '../store/schema.ts';

/** The tables of this integration (migration 0004_ai). */
export function aiMigrations(_options: SchemaOptions): Migration[] {
  return [];
}
