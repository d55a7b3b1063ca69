import type { ClickHouseTransport, QueryParams } from './ClickHouseTransport.ts';

/** A read failed: the store is down or refused the query. */
export class StoreReadError extends Error {
  override name = 'StoreReadError';
}

/** Runs a read and reports any failure as a StoreReadError carrying its cause. */
export async function readRows<Row>(transport: ClickHouseTransport, sql: string, params?: QueryParams): Promise<Row[]> {
  try {
    return await transport.query<Row>(sql, params);
  } catch (error) {
    throw new StoreReadError(`the store could not be read: ${(error as Error).message}`, { cause: error });
  }
}
