import type { ClickHouseTransport } from './ClickHouseTransport.ts';
import { LOG_COLUMNS } from './LogRow.ts';
import { logsTableName } from './otelLogsTable.ts';
import { createDatabaseStatement, migrationsTableStatement, supportsTextIndexes, type Migration, type SchemaOptions } from './schema.ts';
import { HttpTransport } from './transports/HttpTransport.ts';

/** Where the receiver keeps its logs: the embedded engine in a folder, or a server. */
export type StoreConfig =
  | { kind: 'chdb'; dataDir: string; database: string; retentionDays: number }
  | {
      kind: 'server';
      url: string;
      username: string;
      password: string;
      database: string;
      cluster?: string;
      retentionDays: number;
    };

/** The tables a store holds, as migrations in order (the receiver lists its own in migrations.ts). */
export type Migrations = (options: SchemaOptions) => Migration[];

/** How often a server that could not be migrated at start is tried again. */
export const SCHEMA_RETRY_MS = 5_000;

type MigrateOptions = Omit<SchemaOptions, 'textIndexes' | 'database'> & { migrations: Migrations };

/** The receiver's view of ClickHouse: schema, log inserts and a few reads. */
export class LogStore {
  readonly transport: ClickHouseTransport;
  readonly database: string;
  readonly logsTable: string;
  #schemaError: string | undefined;
  #schemaTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(transport: ClickHouseTransport, database: string) {
    this.transport = transport;
    this.database = database;
    this.logsTable = logsTableName({ database });
  }

  /** Applies the migrations not yet recorded; safe to run on every start and from several receivers. */
  async migrate(options: MigrateOptions): Promise<string[]> {
    const version = await this.serverVersion();
    const { migrations, ...rest } = options;
    const schema: SchemaOptions = { ...rest, database: this.database, textIndexes: supportsTextIndexes(version) };
    await this.transport.command(createDatabaseStatement(schema));
    await this.transport.command(migrationsTableStatement(schema));
    const applied = new Set(
      (await this.transport.query<{ id: string }>(`SELECT id FROM ${this.database}.schema_migrations FINAL`)).map((row) => row.id),
    );
    const ran: string[] = [];
    for (const migration of migrations(schema)) {
      if (applied.has(migration.id)) continue;
      for (const statement of migration.statements) await this.transport.command(statement);
      await this.transport.command(`INSERT INTO ${this.database}.schema_migrations (id) VALUES ('${migration.id}')`);
      ran.push(migration.id);
    }
    return ran;
  }

  /** Why the schema is not known to be up to date (a start-up migration that failed and is being retried), if so. */
  get schemaError(): string | undefined {
    return this.#schemaError;
  }

  /**
   * Retries the migrations every `intervalMs` until they succeed, in the background. Meanwhile
   * everything else is tried as usual: inserts fail (503 to the client) until the tables exist,
   * or succeed at once if another receiver of the fleet created them.
   */
  migrateInBackground(options: MigrateOptions, firstError: unknown, intervalMs = SCHEMA_RETRY_MS): void {
    this.#schemaError = errorMessage(firstError);
    this.#schemaTimer = setTimeout(() => {
      this.migrate(options).then(
        () => (this.#schemaError = undefined),
        (error: unknown) => this.migrateInBackground(options, error, intervalMs),
      );
    }, intervalMs);
    this.#schemaTimer.unref();
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
    clearTimeout(this.#schemaTimer);
    await this.transport.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The transport for the configured store. The embedded engine is imported only when it is the
 * store: a receiver on a ClickHouse server never loads chDB's native library.
 */
export async function createTransport(config: StoreConfig): Promise<ClickHouseTransport> {
  if (config.kind === 'server') return new HttpTransport({ url: config.url, username: config.username, password: config.password });
  const { ChdbTransport } = await import('./transports/ChdbTransport.ts');
  return new ChdbTransport(config.dataDir);
}

/**
 * Opens the configured store and brings its schema up to date. The embedded engine failing is
 * fatal; a server that does not answer (or refuses the DDL) is not: the store is returned with
 * `schemaError` set and the migrations retried in the background, so a receiver started while
 * ClickHouse is down serves (503 + Retry-After, /health degraded) and recovers by itself.
 */
export async function openLogStore(
  config: StoreConfig,
  migrations: Migrations,
  transport?: ClickHouseTransport,
  schemaRetryMs = SCHEMA_RETRY_MS,
): Promise<LogStore> {
  const store = new LogStore(transport ?? (await createTransport(config)), config.database);
  const options = { retentionDays: config.retentionDays, cluster: config.kind === 'server' ? config.cluster : undefined, migrations };
  try {
    await store.migrate(options);
  } catch (error) {
    if (config.kind === 'server') {
      store.migrateInBackground(options, error, schemaRetryMs);
      return store;
    }
    await store.close();
    throw error;
  }
  return store;
}
