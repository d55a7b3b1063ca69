/** Values bound server-side to `{name:Type}` placeholders, never spliced into SQL. */
export type QueryParams = Record<string, string | number | boolean | ReadonlyArray<string | number>>;

export type InsertSettings = Record<string, string | number>;

/**
 * How the store reaches ClickHouse. The embedded engine and a server speak the
 * same SQL; only the way bytes travel differs, so everything above this
 * interface is shared.
 */
export interface ClickHouseTransport {
  readonly description: string;
  /** Runs a statement that returns nothing (DDL, ALTER, SYSTEM). */
  command(sql: string): Promise<void>;
  /** Runs a SELECT and returns its rows as objects (JSONEachRow). */
  query<Row>(sql: string, params?: QueryParams): Promise<Row[]>;
  /** Inserts a payload already encoded as JSONCompactEachRow lines (text or UTF-8 bytes). */
  insertCompactJson(table: string, columns: ReadonlyArray<string>, payload: string | Uint8Array, settings?: InsertSettings): Promise<void>;
  close(): Promise<void>;
}

/** A payload as bytes: text is encoded once, bytes are viewed in place (no copy). */
export function payloadBuffer(payload: string | Uint8Array): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}

export function parseJsonEachRow<Row>(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (line !== '') rows.push(JSON.parse(line) as Row);
  }
  return rows;
}
