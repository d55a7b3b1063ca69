import type { ClickHouseTransport, QueryParams } from '../store/ClickHouseTransport.ts';

/** A read of the incident tables failed: the store is down or refused the query. */
export class IncidentStoreError extends Error {
  override name = 'IncidentStoreError';
}

/** Runs a read and reports any failure as an IncidentStoreError carrying its cause. */
export async function readRows<Row>(transport: ClickHouseTransport, sql: string, params?: QueryParams): Promise<Row[]> {
  try {
    return await transport.query<Row>(sql, params);
  } catch (error) {
    throw new IncidentStoreError(`the incident store could not be read: ${(error as Error).message}`, { cause: error });
  }
}
