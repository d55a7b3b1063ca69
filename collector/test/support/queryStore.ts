/**
 * `node queryStore.ts <dataDir> <sql>`: prints the rows of `sql` (with
 * `{table}` standing for the logs table) as JSON. A process of its own,
 * because chDB opens one data folder per process.
 */
import { openStore } from '@stacklens/receiver';

const [dataDir, sql] = process.argv.slice(2);
if (!dataDir || !sql) throw new Error('usage: queryStore.ts <dataDir> <sql>');
const store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
try {
  const rows = await store.transport.query<Record<string, unknown>>(sql.replaceAll('{table}', store.logsTable));
  process.stdout.write(JSON.stringify(rows));
} finally {
  await store.close();
}
