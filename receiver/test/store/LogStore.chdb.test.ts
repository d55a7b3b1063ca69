import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLogRows } from '../../src/ingest/encodeLogRows.ts';
import { migrations, openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { sampleRow } from '../support/logRows.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-store-'));
let store: LogStore;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens_test', retentionDays: 30 });
});

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('LogStore on chDB', () => {
  it('creates the otel_logs table with text indexes and the TTL', async () => {
    const [table] = await store.transport.query<{ create_table_query: string }>(
      "SELECT create_table_query FROM system.tables WHERE database = 'stacklens_test' AND name = 'otel_logs'",
    );
    expect(table?.create_table_query).toContain("TYPE text(tokenizer = 'array')");
    expect(table?.create_table_query).toContain('TTL toDateTime(least(toUnixTimestamp64Second(Timestamp) + 2592000, 4294967295))');
  });

  it('migrations are idempotent: a second run applies nothing', async () => {
    expect(await store.migrate({ retentionDays: 30, migrations })).toEqual([]);
  });

  it('stores every column faithfully, nanoseconds and maps included', async () => {
    const nanos = String(BigInt(Date.now()) * 1_000_000n + 456_789n);
    const row = sampleRow({ Timestamp: nanos, Body: 'quote " and \\ and ünïcode', TraceFlags: 255 });
    await store.insertLogs(encodeLogRows([row]));
    const [stored] = await store.transport.query<Record<string, unknown>>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, * EXCEPT Timestamp FROM ${store.logsTable} WHERE Body = {body:String}`,
      { body: row.Body },
    );
    const { Timestamp, ...rest } = row;
    expect(stored).toEqual({ ts: Timestamp, ...rest });
  });

  it('drops a retried insert that carries the same deduplication token', async () => {
    const before = await store.countLogs();
    const payload = encodeLogRows([sampleRow({ Body: 'retry me' }), sampleRow({ Body: 'retry me too' })]);
    await store.insertLogs(payload, 'token-1');
    await store.insertLogs(payload, 'token-1');
    expect(await store.countLogs()).toBe(before + 2);
    await store.insertLogs(payload, 'token-2');
    expect(await store.countLogs()).toBe(before + 4);
  });

  it('rejects a malformed payload with the engine error', async () => {
    await expect(store.insertLogs('[not json\n')).rejects.toThrow(/Cannot parse|CANNOT_PARSE|parse/i);
  });

  it('binds query parameters instead of splicing them', async () => {
    const rows = await store.transport.query<{ n: number | string }>(
      `SELECT count() AS n FROM ${store.logsTable} WHERE Body = {body:String}`,
      { body: "x' OR '1'='1" },
    );
    expect(rows.map((row) => Number(row.n))).toEqual([0]);
  });
});
