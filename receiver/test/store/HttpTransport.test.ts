import { afterAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/store/transports/HttpTransport.ts';
import { migrations, openStore } from '../../src/migrations.ts';
import { encodeLogRows } from '../../src/ingest/encodeLogRows.ts';
import { sampleRow } from '../support/logRows.ts';
import { closedPort } from '@stacklens/test-support/network';

describe('HttpTransport against a closed port', () => {
  it('rejects commands, queries and inserts with the connection error', async () => {
    const transport = new HttpTransport({
      url: `http://127.0.0.1:${await closedPort()}`,
      username: 'default',
      password: '',
      requestTimeoutMs: 2_000,
    });
    expect(transport.description).toMatch(/^ClickHouse server at http:\/\/127\.0\.0\.1:\d+$/);
    await expect(transport.command('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(transport.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(transport.insertCompactJson('t', ['a'], '[1]\n')).rejects.toThrow(/ECONNREFUSED/);
    await transport.close();
  });

  it('openStore does not fail the start: it reports the connection error and keeps retrying the migrations', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const store = await openStore(
      { kind: 'server', url, username: 'default', password: '', database: 'x', retentionDays: 30 },
      undefined,
      50,
    );
    expect(store.schemaError).toMatch(/ECONNREFUSED/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(store.schemaError).toMatch(/ECONNREFUSED/);
    await store.close();
  });
});

// A real server is needed for the rest; CI machines have none (no recent
// ClickHouse server package exists there), so these run where one is given.
const serverUrl = process.env.CLICKHOUSE_TEST_URL;
if (!serverUrl) {
  console.warn('HttpTransport server tests skipped: set CLICKHOUSE_TEST_URL to a ClickHouse 24+ server to run them.');
}

describe.skipIf(!serverUrl)('LogStore on a ClickHouse server', () => {
  const database = `stacklens_test_${process.pid}`;
  const config = {
    kind: 'server',
    url: serverUrl ?? '',
    username: process.env.CLICKHOUSE_TEST_USER ?? 'default',
    password: process.env.CLICKHOUSE_TEST_PASSWORD ?? '',
    database,
    retentionDays: 30,
  } as const;
  let store: Awaited<ReturnType<typeof openStore>> | undefined;

  afterAll(async () => {
    await store?.transport.command(`DROP DATABASE IF EXISTS ${database}`);
    await store?.close();
  });

  it('migrates, inserts with deduplication and reads back', async () => {
    store = await openStore(config);
    const payload = encodeLogRows([sampleRow(), sampleRow({ Body: 'second' })]);
    await store.insertLogs(payload, 'same-token');
    await store.insertLogs(payload, 'same-token');
    expect(await store.countLogs()).toBe(2);
    expect(await store.migrate({ retentionDays: 30, migrations })).toEqual([]);
  });
});
