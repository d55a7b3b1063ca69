import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import {
  parseJsonEachRow,
  payloadBuffer,
  type ClickHouseTransport,
  type InsertSettings,
  type QueryParams,
} from '../ClickHouseTransport.ts';

export interface HttpTransportOptions {
  url: string;
  username: string;
  password: string;
  requestTimeoutMs?: number;
}

/** A ClickHouse server or cluster over HTTP, through the official client. */
export class HttpTransport implements ClickHouseTransport {
  readonly description: string;
  readonly #client: ClickHouseClient;

  constructor(options: HttpTransportOptions) {
    this.#client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      // Every failure is thrown to the caller, which decides what to report;
      // the client's own console logging would print each one twice.
      log: { level: ClickHouseLogLevel.OFF },
    });
    const { origin } = new URL(options.url);
    this.description = `ClickHouse server at ${origin}`;
  }

  async command(sql: string): Promise<void> {
    await this.#client.command({ query: sql });
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    const result = await this.#client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return parseJsonEachRow<Row>(await result.text());
  }

  async insertCompactJson(
    table: string,
    columns: ReadonlyArray<string>,
    payload: string | Uint8Array,
    settings?: InsertSettings,
  ): Promise<void> {
    // exec sends our bytes as they are: the rows are already encoded, so the
    // client's per-row JSON encoder would only add work.
    const { stream } = await this.#client.exec({
      query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
      values: Readable.from([payloadBuffer(payload)]),
      clickhouse_settings: settings,
    });
    stream.resume();
    await new Promise((resolve, reject) => stream.once('end', resolve).once('error', reject));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
