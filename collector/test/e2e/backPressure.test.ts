import { writeFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { describeWithCollector } from '../support/collectorBinary.ts';
import { collectorPorts, scratchDir, startTestCollector } from '../support/pipeline.ts';
import { freePort } from '@stacklens/test-support/network';
import { waitFor } from '../support/waitFor.ts';
import { placeOrders, queryStore, startPos, startReceiver } from '../support/services.ts';

const scratch = scratchDir('backpressure');
const running: Array<{ stop(): Promise<void> }> = [];

afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
  scratch.remove();
});

describeWithCollector('a receiver shedding load with 429 + Retry-After', () => {
  it('makes the Collector back off and retry until every record is stored', async () => {
    const storeDir = `${scratch.dir}/store`;
    // A queue of one row: any request arriving while another waits for the store is shed.
    const receiver = await startReceiver(storeDir, await freePort(), {
      RECEIVER_MAX_QUEUED_ROWS: '1',
      RECEIVER_MAX_CONCURRENT_INSERTS: '1',
      RECEIVER_RETRY_AFTER_SECONDS: '1',
      LOG_LEVEL: 'info',
    });
    running.push(receiver);
    const ports = await collectorPorts();
    const collectorLines: string[] = [];
    // Small batches from the same configuration, so the Collector's four consumers send side by side.
    const smallBatches = `${scratch.dir}/small-batches.yaml`;
    writeFileSync(
      smallBatches,
      'exporters:\n  otlp_http/stacklens:\n    sending_queue:\n      batch:\n        min_size: 10\n        max_size: 10\n',
    );
    const collector = await startTestCollector(ports, receiver.url, `${scratch.dir}/collector`, {
      overrides: [smallBatches],
      onLine: (line) => collectorLines.push(line),
    });
    running.push(collector);
    const pos = await startPos(`http://127.0.0.1:${ports.otlpHttp}`);
    const orders = await placeOrders(pos.url, 300, 20);
    await pos.stop();

    await waitFor(`${orders.length} records`, async () => ((await receiver.rowsWritten()) >= orders.length ? true : undefined), 150_000);
    await collector.stop();
    await receiver.stop();

    const statuses = receiver.lines.flatMap((line) => {
      const parsed = safeJson(line) as { res?: { statusCode?: number } } | undefined;
      return parsed?.res?.statusCode === undefined ? [] : [parsed.res.statusCode];
    });
    expect(statuses.filter((status) => status === 429).length, 'requests the receiver shed').toBeGreaterThan(0);
    expect(
      statuses.filter((status) => status !== 200 && status !== 429),
      'other answers',
    ).toEqual([]);
    // "Throttle (1s)": the exporter waits what Retry-After said before it tries again.
    expect(
      collectorLines.some((line) => /Will retry.*Throttle \(1s\).*429/.test(line)),
      'the Collector honoured Retry-After',
    ).toBe(true);
    expect(
      collectorLines.filter((line) => /dropp|permanent/i.test(line)),
      'nothing dropped',
    ).toEqual([]);

    const rows = await queryStore<{ orderId: string; copies: number }>(
      storeDir,
      `SELECT LogAttributes['order.id'] AS orderId, toUInt32(count()) AS copies FROM {table}
       WHERE LogAttributes['order.id'] != '' GROUP BY orderId`,
    );
    const stored = new Set(rows.map((row) => row.orderId));
    expect(
      orders.filter((order) => !stored.has(order.orderId)),
      'records lost',
    ).toEqual([]);
    expect(
      rows.filter((row) => row.copies !== 1),
      'records stored twice',
    ).toEqual([]);
  });
});

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
