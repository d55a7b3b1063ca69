import { describe, expect, it } from 'vitest';
import { QueueClosedError, QueueFullError, WriteQueue, type BatchWriter } from '../../src/ingest/WriteQueue.ts';

/** A writer whose inserts finish only when the test says so. */
function controlledWriter() {
  const calls: Array<{ payload: string; token: string; finish: (error?: Error) => void }> = [];
  const write: BatchWriter = (payload, token) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ payload, token, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, write };
}

const options = { maxQueuedRows: 100, maxBatchRows: 50, maxConcurrentWrites: 1 };

describe('WriteQueue', () => {
  it('settles a write only after its batch is stored', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    let settled = false;
    const pending = queue.write('a\n', 1, 't1').then(() => (settled = true));
    await Promise.resolve();
    expect(calls).toHaveLength(1);
    expect(settled).toBe(false);
    calls[0]!.finish();
    await pending;
    expect(settled).toBe(true);
    expect(queue.stats()).toMatchObject({ rowsWritten: 1, batchesWritten: 1, queuedRows: 0 });
  });

  it('merges the writes queued behind a running insert into one batch, up to maxBatchRows', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const first = queue.write('a\n', 10, 't1');
    const queued = [queue.write('b\n', 20, 't2'), queue.write('c\n', 20, 't3'), queue.write('d\n', 20, 't4')];
    calls[0]!.finish();
    await first;
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload).toBe('b\nc\n');
    expect(calls[1]!.token).not.toBe('t2');
    calls[1]!.finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(calls[2]!.payload).toBe('d\n');
    expect(calls[2]!.token).toBe('t4');
    calls[2]!.finish();
    await Promise.all(queued);
    expect(queue.stats().batchesWritten).toBe(3);
  });

  it('refuses writes beyond maxQueuedRows with QueueFullError, counting rows in flight', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const accepted = queue.write('a\n', 60, 't1');
    await expect(queue.write('b\n', 41, 't2')).rejects.toBeInstanceOf(QueueFullError);
    const fits = queue.write('c\n', 40, 't3');
    calls[0]!.finish();
    await accepted;
    calls[1]!.finish();
    await fits;
    expect(queue.stats().rowsWritten).toBe(100);
  });

  it('rejects every write of a failed batch and keeps serving', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const first = queue.write('a\n', 1, 't1');
    calls[0]!.finish(new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    expect(queue.stats()).toMatchObject({ failedBatches: 1, lastError: 'store down', queuedRows: 0 });
    const second = queue.write('b\n', 1, 't2');
    calls[1]!.finish();
    await expect(second).resolves.toBe(true);
  });

  it('close() waits for accepted writes, then refuses new ones', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, options);
    const accepted = queue.write('a\n', 1, 't1');
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    await expect(queue.write('b\n', 1, 't2')).rejects.toBeInstanceOf(QueueClosedError);
    calls[0]!.finish();
    await accepted;
    await closing;
    expect(closed).toBe(true);
    await new WriteQueue(write, options).close();
  });
});
