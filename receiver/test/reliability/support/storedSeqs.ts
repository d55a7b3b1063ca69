import { openStore } from '../../../src/migrations.ts';
import { SEQ_ATTRIBUTE } from './loadRecords.ts';

/**
 * How many times each numbered record is in the embedded store at `dataDir` (open it only once
 * the receiver that wrote it has exited: chDB takes one process per folder).
 */
export async function storedSeqCounts(dataDir: string): Promise<Map<number, number>> {
  const store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  try {
    const rows = await store.transport.query<{ seq: string; n: string }>(
      `SELECT LogAttributes[{key:String}] AS seq, count() AS n FROM ${store.logsTable}
       WHERE mapContains(LogAttributes, {key:String}) GROUP BY seq`,
      { key: SEQ_ATTRIBUTE },
    );
    return new Map(rows.map((row) => [Number(row.seq), Number(row.n)]));
  } finally {
    await store.close();
  }
}
