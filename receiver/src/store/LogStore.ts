import type { StoreConfig } from '../config.ts';
import type { ClickHouseTransport } from './ClickHouseTransport.ts';
import { LOG_COLUMNS } from './LogRow.ts';
import {
  createDatabaseStatement,
  logsTableName,
  migrations,
  migrationsTableStatement,
  supportsTextIndexes,
  type SchemaOptions,
} from './schema.ts';
import { ChdbTransport } from './transports/ChdbTransport.ts';
import { HttpTransport } from './transports/HttpTransport.ts';

/** The receiver's view of ClickHouse: schema, log inserts and a few reads. */
export class LogStore {
  readonly transport: ClickHouseTransport;
  readonly database: string;
  readonly logsTable: string;

  constructor(transport: ClickHouseTransport, database: string) {
    this.transport = transport;
    this.database = database;
    this.logsTable = logsTableName({ database });
  }

  /** Applies the migrations not yet recorded; safe to run on every start and from several receivers. */
  async migrate(options: Omit<SchemaOptions, 'textIndexes' | 'database'>): Promise<string[]> {
    const version = await this.serverVersion();
    const schema: SchemaOptions = { ...options, database: this.database, textIndexes: supportsTextIndexes(version) };
    await this.transport.command(createDatabaseStatement(schema));
    await this.transport.command(migrationsTableStatement(schema));
    const applied = new Set(
      (await this.transport.query<{ id: string }>(`SELECT id FROM ${this.database}.schema_migrations FINAL`)).map(
        (row) => row.id,
      ),
    );
    const ran: string[] = [];
    for (const migration of migrations(schema)) {
      if (applied.has(migration.id)) continue;
      for (const statement of migration.statements) await this.transport.command(statement);
      await this.transport.command(
        `INSERT INTO ${this.database}.schema_migrations (id) VALUES ('${migration.id}')`,
      );
      ran.push(migration.id);
    }
    return ran;
  }

  async serverVersion(): Promise<string> {
    const [row] = await this.transport.query<{ version: string }>('SELECT version() AS version');
    return row?.version ?? '0';
  }

  /**
   * Inserts pre-encoded rows (JSONCompactEachRow text or its UTF-8 bytes). The same token on a retried insert stores
   * nothing twice (within the table's deduplication window).
   */
  async insertLogs(payload: string | Uint8Array, deduplicationToken?: string): Promise<void> {
    const settings = deduplicationToken ? { insert_deduplication_token: deduplicationToken } : undefined;
    await this.transport.insertCompactJson(this.logsTable, LOG_COLUMNS, payload, settings);
  }

  async ping(): Promise<void> {
    await this.transport.query('SELECT 1 AS ok');
  }

  async countLogs(): Promise<number> {
    const [row] = await this.transport.query<{ count: string }>(`SELECT count() AS count FROM ${this.logsTable}`);
    return Number(row?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

export function createTransport(config: StoreConfig): ClickHouseTransport {
  return config.kind === 'chdb'
    ? new ChdbTransport(config.dataDir)
    : new HttpTransport({ url: config.url, username: config.username, password: config.password });
}

/** Opens the configured store and brings its schema up to date. */
export async function openLogStore(config: StoreConfig, transport = createTransport(config)): Promise<LogStore> {
  const store = new LogStore(transport, config.database);
  try {
    await store.migrate({
      retentionDays: config.retentionDays,
      cluster: config.kind === 'server' ? config.cluster : undefined,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
