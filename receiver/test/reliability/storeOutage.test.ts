import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouseHttpShim, type ClickHouseHttpShim } from './support/clickhouseHttpShim.ts';
import { loadRecords, postLogs, protobufRequest, SEQ_ATTRIBUTE } from './support/loadRecords.ts';
import { API_TOKENS, startReceiverProcess, type ReceiverProcess } from './support/receiverProcess.ts';

/*
 * A ClickHouse server configured by URL, as in production, played by the real engine (chDB) behind
 * ClickHouse's HTTP interface (see clickhouseHttpShim.ts): `down` closes its port (connection
 * refused), `failing` answers as a server whose tables turned read-only, `up` serves again on the
 * same port.
 */
const folder = mkdtempSync(join(tmpdir(), 'stacklens-outage-'));
const CLICKHOUSE_PASSWORD = 'clickhouse-password-never-logged';
let shim: ClickHouseHttpShim;

beforeAll(async () => {
  shim = await startClickHouseHttpShim(join(folder, 'clickhouse'));
});
afterAll(async () => {
  await shim.close();
  rmSync(folder, { recursive: true, force: true });
});

function startReceiver(name: string): Promise<ReceiverProcess> {
  return startReceiverProcess({
    STACKLENS_DATA_DIR: join(folder, name),
    CLICKHOUSE_URL: shim.url,
    CLICKHOUSE_PASSWORD,
    RECEIVER_RETRY_AFTER_SECONDS: '2',
  });
}

async function health(receiver: ReceiverProcess): Promise<{ status: number; body: { status: string; store: { error?: string } } }> {
  const response = await fetch(`${receiver.url}/health`);
  return { status: response.status, body: (await response.json()) as { status: string; store: { error?: string } } };
}

/** Polls /health until it answers `status` (the receiver retries the store by itself). */
async function healthBecomes(receiver: ReceiverProcess, status: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if ((await health(receiver)).status === status) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (await health(receiver)).status;
}

async function storedCount(from: number, to: number): Promise<number> {
  const [row] = await shim.query<{ n: string }>(
    `SELECT count() AS n FROM stacklens.otel_logs WHERE toUInt64OrZero(LogAttributes['${SEQ_ATTRIBUTE}']) BETWEEN ${from} AND ${to - 1}`,
  );
  return Number(row?.n ?? 0);
}

const batch = (from: number, count = 50) => protobufRequest(loadRecords(from, count, { severity: 'ERROR' }));

describe('store outage: a ClickHouse server configured by URL', () => {
  it('down at start: the receiver serves anyway, answers 503 + Retry-After and /health degraded, and recovers by itself when the server comes', async () => {
    await shim.setMode('down');
    const receiver = await startReceiver('started-while-down');
    try {
      const refused = await postLogs(receiver.url, batch(0));
      expect(refused).toEqual({ status: 503, retryAfter: '2' });
      const degraded = await health(receiver);
      expect(degraded.status).toBe(503);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.store.error).toMatch(/ECONNREFUSED/);

      await shim.setMode('up');
      expect(await healthBecomes(receiver, 200)).toBe(200);
      expect(await postLogs(receiver.url, batch(0))).toMatchObject({ status: 200 });
      expect(await storedCount(0, 50)).toBe(50);
      const incidents = await fetch(`${receiver.url}/api/incidents`, { headers: { authorization: `Bearer ${API_TOKENS.viewer}` } });
      expect(incidents.status).toBe(200);
      expect(receiver.output.join('\n')).not.toContain(CLICKHOUSE_PASSWORD);
    } finally {
      await receiver.stop();
    }
  });

  it('failing, then unreachable, while running: retryable answers only (never 400), /health degraded, and back to 200 without a restart', async () => {
    await shim.setMode('up');
    const receiver = await startReceiver('running');
    try {
      expect(await postLogs(receiver.url, batch(1_000))).toMatchObject({ status: 200 });

      await shim.setMode('failing');
      expect(await postLogs(receiver.url, batch(2_000))).toEqual({ status: 503, retryAfter: '2' });
      expect((await health(receiver)).body).toMatchObject({ status: 'degraded', store: { error: expect.stringMatching(/readonly/) } });

      await shim.setMode('down');
      expect(await postLogs(receiver.url, batch(2_000))).toEqual({ status: 503, retryAfter: '2' });
      expect((await health(receiver)).status).toBe(503);

      await shim.setMode('up');
      expect(await healthBecomes(receiver, 200)).toBe(200);
      expect(await postLogs(receiver.url, batch(2_000))).toMatchObject({ status: 200 });
      // What was refused stored nothing; the retry stored it once.
      expect(await storedCount(2_000, 2_050)).toBe(50);
      expect(await storedCount(1_000, 1_050)).toBe(50);
      expect(shim.served.failing).toBeGreaterThan(0);
      expect(receiver.output.join('\n')).not.toContain(CLICKHOUSE_PASSWORD);
    } finally {
      await receiver.stop();
    }
  });
});
