import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import {
  parseJsonEachRow,
  payloadBuffer,
  type ClickHouseTransport,
  type InsertSettings,
  type QueryParams,
} from '../ClickHouseTransport.ts';

/**
 * The ClickHouse engine in this process (chDB). Queries and inserts run on
 * libuv threads, so the event loop keeps serving while the engine works.
 * chDB allows one data folder per process: open one transport per process.
 */
export class ChdbTransport implements ClickHouseTransport {
  readonly description: string;
  readonly #session: Session;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#session = new Session(dataDir);
    this.description = `chDB (embedded) in ${dataDir}`;
  }

  async command(sql: string): Promise<void> {
    await this.#session.queryAsync(sql);
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    const result = params
      ? await this.#session.queryBindAsync(sql, params, { format: 'JSONEachRow' })
      : await this.#session.queryAsync(sql, { format: 'JSONEachRow' });
    return parseJsonEachRow<Row>(result.text());
  }

  async insertCompactJson(
    table: string,
    columns: ReadonlyArray<string>,
    payload: string | Uint8Array,
    settings?: InsertSettings,
  ): Promise<void> {
    await this.#session.insert({ table, columns, values: payloadBuffer(payload), format: 'JSONCompactEachRow', settings });
  }

  async close(): Promise<void> {
    this.#session.close();
  }
}
