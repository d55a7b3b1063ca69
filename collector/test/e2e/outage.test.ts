import { afterAll, expect, it } from 'vitest';
import type { CollectorProcess } from '../../src/CollectorProcess.ts';
import { describeWithCollector } from '../support/collectorBinary.ts';
import { collectorPorts, scratchDir, startTestCollector } from '../support/pipeline.ts';
import { freePort } from '@stacklens/test-support/network';
import { waitFor } from '../support/waitFor.ts';
import { placeOrders, queryStore, startPos, startReceiver, type ReceiverProcess } from '../support/services.ts';

const scratch = scratchDir('outage');
const running: Array<{ stop(): Promise<void> }> = [];

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
  scratch.remove();
});

describeWithCollector('a receiver outage and a kill -9 of the Collector', () => {
  it('lose no record and store none twice', async () => {
    const storeDir = `${scratch.dir}/store`;
    const receiverPort = await freePort();
    const ports = await collectorPorts();
    const receiverUrl = `http://127.0.0.1:${receiverPort}`;
    const otlpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
    const startCollector = async () => {
      const collector = await startTestCollector(ports, receiverUrl, `${scratch.dir}/collector`);
      running.push(collector);
      return collector;
    };

    // 1. All up: the pipeline works.
    let receiver: ReceiverProcess = await startReceiver(storeDir, receiverPort);
    let collector: CollectorProcess = await startCollector();
    let pos = await startPos(otlpUrl);
    const before = await placeOrders(pos.url, 20);
    await waitFor('the first records', async () => ((await receiver.rowsWritten()) >= before.length ? true : undefined));

    // 2. The receiver goes away; the POS keeps selling and logging. Its
    // shutdown returns once the Collector has acknowledged every record —
    // which it does only after writing them to its persistent queue.
    await receiver.stop();
    const during = await placeOrders(pos.url, 30);
    await pos.stop();

    // 3. The Collector dies without any shutdown, while it is retrying, and comes back.
    await collector.kill();
    collector = await startCollector();

    // 4. More sales after the restart, still with no receiver.
    pos = await startPos(otlpUrl);
    running.push(pos);
    const after = await placeOrders(pos.url, 10);
    await pos.stop();

    // 5. The receiver returns: the Collector's retries deliver the backlog.
    receiver = await startReceiver(storeDir, receiverPort);
    running.push(receiver);
    const expected = during.length + after.length;
    await waitFor(
      `${expected} records from the Collector's queue`,
      async () => ((await receiver.rowsWritten()) >= expected ? true : undefined),
      120_000,
    );
    await collector.stop();
    await receiver.stop();

    const orderIds = [...before, ...during, ...after].map((order) => order.orderId);
    const rows = await queryStore<{ orderId: string; copies: number }>(
      storeDir,
      `SELECT LogAttributes['order.id'] AS orderId, toUInt32(count()) AS copies FROM {table}
       WHERE LogAttributes['order.id'] != '' GROUP BY orderId`,
    );
    const copies = new Map(rows.map((row) => [row.orderId, row.copies]));
    expect(
      orderIds.filter((id) => !copies.has(id)),
      'records lost',
    ).toEqual([]);
    expect(
      rows.filter((row) => row.copies !== 1),
      'records stored twice',
    ).toEqual([]);
    expect(rows).toHaveLength(orderIds.length);
  });
});
