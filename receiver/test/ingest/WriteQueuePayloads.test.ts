import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteQueue, type BatchWriter, type RowsPayload } from '../../src/ingest/WriteQueue.ts';

function controlledWriter() {
  const calls: Array<{ payload: RowsPayload; finish: () => void }> = [];
  const write: BatchWriter<RowsPayload> = (payload) =>
    new Promise<void>((resolve) => {
      calls.push({ payload, finish: resolve });
    });
  return { calls, write };
}

const options = { maxQueuedRows: 100, maxBatchRows: 50, maxConcurrentWrites: 1 };

describe('WriteQueue payloads', () => {
  it('hands a lone byte payload over as it is, without a copy', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const bytes = Buffer.from('a\n');
    const done = queue.write(bytes, 1, 't1');
    expect(calls[0]!.payload).toBe(bytes);
    calls[0]!.finish();
    await done;
  });

  it('merges byte payloads, and text with bytes, into one byte payload in arrival order', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const first = queue.write(Buffer.from('a\n'), 1, 't1');
    const queued = [
      queue.write(Buffer.from('b\n'), 1, 't2'),
      queue.write('c ü\n', 1, 't3'),
      queue.write(new Uint8Array([100, 10]), 1, 't4'),
    ];
    calls[0]!.finish();
    await first;
    const merged = calls[1]!.payload;
    expect(Buffer.isBuffer(merged)).toBe(true);
    expect(Buffer.from(merged as Uint8Array).toString('utf8')).toBe('b\nc ü\nd\n');
    calls[1]!.finish();
    await Promise.all(queued);
  });
});

describe('WriteQueue with room for more than one insert', () => {
  it('starts a second insert only for a full batch; smaller writes gather behind the running one', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueuedRows: 1000, maxBatchRows: 50, maxConcurrentWrites: 2 });
    const first = queue.write('a\n', 10, 't1');
    const gathered = [queue.write('b\n', 10, 't2'), queue.write('c\n', 10, 't3')];
    expect(calls).toHaveLength(1);
    expect(queue.stats().writesInFlight).toBe(1);
    // 20 + 30 rows waiting make a full batch: it goes at once, beside the running insert.
    const full = queue.write('d\n', 30, 't4');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload).toBe('b\nc\nd\n');
    const next = queue.write('e\n', 5, 't5');
    expect(calls).toHaveLength(2);
    calls[0]!.finish();
    await first;
    // One insert still runs (the full batch): 'e' keeps gathering behind it.
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await Promise.all([...gathered, full]);
    expect(calls[2]!.payload).toBe('e\n');
    calls[2]!.finish();
    await next;
    expect(queue.stats()).toMatchObject({ rowsWritten: 65, batchesWritten: 3, queuedRows: 0, writesInFlight: 0 });
  });
});

describe('WriteQueue after a slow insert', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A queue whose first insert took 40 ms (fake time), with `waiting` rows queued behind it. */
  async function afterSlowInsert(waiting: number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueuedRows: 100_000, maxBatchRows: 50_000, maxConcurrentWrites: 2 });
    const first = queue.write('a\n', 1000, 't1');
    const queued = waiting > 0 ? [queue.write('b\n', waiting, 't2')] : [];
    vi.advanceTimersByTime(40);
    calls[0]!.finish();
    await first;
    return { calls, queue, queued };
  }

  it('waits for as many rows as the insert took and the queue held, then goes at once', async () => {
    const { calls, queue, queued } = await afterSlowInsert(1000);
    // 1,000 rows answered + 1,000 waiting: the next insert waits for 2,000.
    expect(calls).toHaveLength(1);
    const more = queue.write('c\n', 1000, 't3');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload).toBe('b\nc\n');
    calls[1]!.finish();
    await Promise.all([...queued, more]);
  });

  it("waits at most the slow insert's duration", async () => {
    const { calls, queued } = await afterSlowInsert(1000);
    vi.advanceTimersByTime(39);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(2);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload).toBe('b\n');
    calls[1]!.finish();
    await Promise.all(queued);
  });

  it('sends a request after a quiet spell at once, and what gathers when the queue closes', async () => {
    const { calls, queue } = await afterSlowInsert(0);
    vi.advanceTimersByTime(45);
    const late = queue.write('c\n', 10, 't3');
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await late;
    calls.length = 0;
    const slow = queue.write('d\n', 2000, 't4');
    vi.advanceTimersByTime(40);
    calls[0]!.finish();
    await slow;
    const gathering = queue.write('e\n', 5, 't5');
    expect(calls).toHaveLength(1);
    const closed = queue.close();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await Promise.all([gathering, closed]);
  });

  it('does not wait under a light load: a slow insert of a few rows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueuedRows: 100_000, maxBatchRows: 50_000, maxConcurrentWrites: 1 });
    const first = queue.write('a\n', 5, 't1');
    const second = queue.write('b\n', 5, 't2');
    vi.advanceTimersByTime(40);
    calls[0]!.finish();
    await first;
    const third = queue.write('c\n', 1, 't3');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload).toBe('b\n');
    calls[1]!.finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls[2]!.payload).toBe('c\n');
    calls[2]!.finish();
    await Promise.all([second, third]);
  });
});
