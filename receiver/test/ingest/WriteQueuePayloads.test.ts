import { describe, expect, it } from 'vitest';
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
