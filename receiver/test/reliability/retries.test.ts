import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteQueue } from '../../src/ingest/WriteQueue.ts';
import { startApiReceiver, type ApiReceiver } from '../group/support/apiReceiver.ts';
import { loadRecords, protobufRequest, range, SEQ_ATTRIBUTE } from './support/loadRecords.ts';

/*
 * A client retries a request when it did not get the answer: its connection dropped, or it gave
 * up waiting while the receiver was still storing. Requests merged into one insert get one
 * token for the table's deduplication, which a retry sent alone does not match; the queue
 * remembers the tokens of stored requests so such a retry stores nothing twice.
 */
const options = { maxQueuedRows: 10_000, maxBatchRows: 1_000, maxConcurrentWrites: 1 };

describe('the write queue and retried requests', () => {
  it('a retry of a request stored inside a merged insert is answered without a second write', async () => {
    const writes: string[] = [];
    let release: () => void = () => {};
    const queue = new WriteQueue<string>(async (payload) => {
      writes.push(payload);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, options);
    const first = queue.write('a\n', 1, 'token-a');
    const merged = [queue.write('b\n', 1, 'token-b'), queue.write('c\n', 1, 'token-c')];
    release();
    expect(await Promise.all([first, ...merged])).toEqual([true, true, true]);
    expect(writes).toEqual(['a\n', 'b\nc\n']);

    expect(await queue.write('c\n', 1, 'token-c')).toBe(false);
    expect(writes).toHaveLength(2);
    expect(queue.stats()).toMatchObject({ rowsWritten: 3, duplicatesSkipped: 1 });
  });

  it('the same request again while the first is still being stored joins it', async () => {
    const writes: string[] = [];
    let release: () => void = () => {};
    const queue = new WriteQueue<string>(async (payload) => {
      writes.push(payload);
      await new Promise<void>((resolve) => (release = resolve));
    }, options);
    const original = queue.write('a\n', 1, 'token-a');
    const retry = queue.write('a\n', 1, 'token-a');
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect([await original, await retry]).toEqual([true, false]);
    expect(writes).toEqual(['a\n']);
  });

  it('a request whose write failed is written again when retried', async () => {
    let attempts = 0;
    const queue = new WriteQueue<string>(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('store down');
    }, options);
    await expect(queue.write('a\n', 1, 'token-a')).rejects.toThrow('store down');
    expect(await queue.write('a\n', 1, 'token-a')).toBe(true);
    expect(attempts).toBe(2);
  });

  it('remembers a bounded number of tokens, oldest forgotten first', async () => {
    const writes: string[] = [];
    const queue = new WriteQueue<string>(async (payload) => void writes.push(payload), { ...options, rememberedTokens: 2 });
    for (const token of ['t1', 't2', 't3']) await queue.write(`${token}\n`, 1, token);
    expect(await queue.write('t3\n', 1, 't3')).toBe(false);
    expect(await queue.write('t1\n', 1, 't1')).toBe(true);
    expect(writes).toEqual(['t1\n', 't2\n', 't3\n', 't1\n']);
  });
});

describe('retries through the real route into the store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-retries-'));
  let api: ApiReceiver;
  beforeAll(async () => {
    api = await startApiReceiver(dataDir);
  });
  afterAll(async () => {
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: Buffer) =>
    api.receiver.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/x-protobuf' }, payload: body });

  it('requests sent concurrently (merged into few inserts), then each sent again, and some twice at once: every record stored once, counted once', async () => {
    const bodies = range(0, 30).map((i) => protobufRequest(loadRecords(i * 10, 10, { severity: 'ERROR' })));
    const firstRound = await Promise.all([...bodies.map(post), ...bodies.slice(0, 5).map(post)]);
    expect(firstRound.map((response) => response.statusCode)).toEqual(Array(35).fill(200));
    // Retried in another order and grouping than the first round, so no merged insert repeats one of the first round.
    const retries = [];
    for (const wave of [bodies.slice(20).reverse(), bodies.slice(0, 20)]) retries.push(...(await Promise.all(wave.map(post))));
    expect(retries.map((response) => response.statusCode)).toEqual(Array(30).fill(200));
    expect(api.receiver.queue.stats().batchesWritten).toBeLessThan(30); // merges happened

    const [row] = await api.store.transport.query<{ records: number; distinct: number }>(
      `SELECT count() AS records, uniqExact(LogAttributes[{key:String}]) AS distinct FROM ${api.store.logsTable}`,
      { key: SEQ_ATTRIBUTE },
    );
    expect(row).toEqual({ records: 300, distinct: 300 });
    await api.receiver.tracker.flush();
    const incidents = (await api.get('/api/incidents?errorType=MISSING_PRICE')).json() as { items: Array<{ count: number }> };
    expect(incidents.items.map((incident) => incident.count)).toEqual([300]);
  });
});
