import type { SchemaOptions } from '../store/schema.ts';
import { tableStatements } from '../store/tableStatements.ts';

export const LINKS_TABLE = 'jira_links';
export const OUTBOX_TABLE = 'jira_outbox';
export const LEASE_TABLE = 'jira_outbox_lease';

export interface JiraTables {
  links: string;
  outbox: string;
  lease: string;
}

export function jiraTables(database: string): JiraTables {
  return { links: `${database}.${LINKS_TABLE}`, outbox: `${database}.${OUTBOX_TABLE}`, lease: `${database}.${LEASE_TABLE}` };
}

/**
 * fingerprint → Jira issue, one row per saved version (the newest wins, read with FINAL).
 * The primary guard of one open ticket per fingerprint; the AI stage reads it too.
 */
const LINK_COLUMNS = `
    fingerprint String,
    incidentId String,
    issueKey String,
    url String,
    status String,
    statusCategory LowCardinality(String),
    createdAt DateTime64(3),
    updatedAt DateTime64(3),
    version UInt64,
    deleted UInt8`;

/**
 * The durable outbox: one row per version of a job (pending → running → done | failed), the
 * newest winning. Ids name what a job is for, so receivers queuing the same job write the same
 * row. Finished jobs expire after 30 days.
 */
const OUTBOX_COLUMNS = `
    id String,
    kind LowCardinality(String),
    incidentId String,
    fingerprint String,
    payload String,
    state LowCardinality(String),
    attempts UInt32,
    nextAttemptAt DateTime64(3),
    firstAttemptAt DateTime64(3),
    lastError String,
    result String,
    createdAt DateTime64(3),
    updatedAt DateTime64(3),
    version UInt64`;

/**
 * Who works the outbox, per term of a few seconds: the first claim of a term wins. Inserts
 * carry a deduplication token per term, so a second claim of the same term is dropped by the
 * server (by Keeper on a replicated table) and every receiver reads back the same winner.
 */
const LEASE_COLUMNS = `
    term UInt64,
    owner String,
    claimedAt DateTime64(3)`;

/** The links, outbox and lease tables (listed in the receiver's migrations). */
export function jiraTableStatements(options: SchemaOptions): string[] {
  // Replicated tables deduplicate by default; a plain MergeTree needs a window for it.
  const dedup = options.cluster ? '' : '\nSETTINGS non_replicated_deduplication_window = 1000';
  return [
    ...tableStatements(options, {
      name: LINKS_TABLE,
      columns: LINK_COLUMNS,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: 'ORDER BY fingerprint',
      shardKey: 'cityHash64(fingerprint)',
    }),
    ...tableStatements(options, {
      name: OUTBOX_TABLE,
      columns: OUTBOX_COLUMNS,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: 'ORDER BY id\nTTL toDateTime(updatedAt) + INTERVAL 30 DAY',
      shardKey: 'cityHash64(id)',
    }),
    ...tableStatements(options, {
      name: LEASE_TABLE,
      columns: LEASE_COLUMNS,
      engine: 'MergeTree',
      // One shard for every term: the claim and its read-back must meet on the same replicas.
      tail: `ORDER BY (term, claimedAt, owner)\nTTL toDateTime(claimedAt) + INTERVAL 1 DAY${dedup}`,
      shardKey: '0',
    }),
  ];
}
