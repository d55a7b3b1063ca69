import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CollectorProcess } from '../../src/CollectorProcess.ts';
import { describeWithCollector } from '../support/collectorBinary.ts';
import { collectorPorts, scratchDir, startTestCollector } from '../support/pipeline.ts';
import { freePort } from '@stacklens/test-support/network';
import { waitFor } from '../support/waitFor.ts';
import { placeOrder, queryStore, startPos, startReceiver, type ReceiverProcess } from '../support/services.ts';

type Row = Record<string, unknown> & {
  TraceId: string;
  SpanId: string;
  Timestamp: string;
  LogAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
};

const scratch = scratchDir('fields');

describeWithCollector('POS → Collector (otlp → otlp_http, protobuf) → receiver', () => {
  let receiver: ReceiverProcess;
  let collector: CollectorProcess;
  let collectorUrl: string;

  beforeAll(async () => {
    receiver = await startReceiver(`${scratch.dir}/store`, await freePort());
    const ports = await collectorPorts();
    collector = await startTestCollector(ports, receiver.url, `${scratch.dir}/collector`);
    collectorUrl = `http://127.0.0.1:${ports.otlpHttp}`;
  });

  afterAll(async () => {
    await collector?.stop();
    await receiver?.stop();
    scratch.remove();
  });

  it('stores every field of the POS records exactly as the POS sending directly does', async () => {
    // The same orders, once through the Collector and once straight to the receiver.
    const viaCollector = await startPos(collectorUrl);
    const direct = await startPos(receiver.url);
    const orders = { collector: [] as string[], direct: [] as string[] };
    for (const [pos, ids] of [
      [viaCollector, orders.collector],
      [direct, orders.direct],
    ] as const) {
      ids.push((await placeOrder(pos.url, '999', 'STORE_002')).orderId, (await placeOrder(pos.url, '101', 'STORE_002')).orderId);
      await pos.stop();
    }
    await waitFor('the four records', async () => ((await receiver.rowsWritten()) >= 4 ? true : undefined));
    await receiver.stop();

    const rows = await queryStore<Row>(
      `${scratch.dir}/store`,
      `SELECT * FROM {table} WHERE LogAttributes['order.id'] IN (${[...orders.collector, ...orders.direct].map((id) => `'${id}'`).join(',')})`,
    );
    expect(rows).toHaveLength(4);
    const byOrder = new Map(rows.map((row) => [row.LogAttributes['order.id']!, row]));
    for (const index of [0, 1]) {
      const throughCollector = byOrder.get(orders.collector[index]!)!;
      const straight = byOrder.get(orders.direct[index]!)!;
      expect(throughCollector.TraceId).toMatch(/^[0-9a-f]{32}$/);
      expect(throughCollector.SpanId).toMatch(/^[0-9a-f]{16}$/);
      expect(normalised(throughCollector)).toEqual(normalised(straight));
    }
    expect(byOrder.get(orders.collector[0]!)).toMatchObject({
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      ServiceName: 'demo-pos',
      LogAttributes: { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_002', 'product.id': '999' },
    });
  });
});

/** What legitimately differs between two POS processes and two orders, blanked. */
function normalised(row: Row): Row {
  const orderId = row.LogAttributes['order.id']!;
  const blankIds = (value: unknown) => (typeof value === 'string' ? value.replaceAll(orderId, '<order>') : value);
  const { 'order.id': _order, ...attributes } = row.LogAttributes;
  const { 'process.pid': _pid, 'service.instance.id': _instance, ...resource } = row.ResourceAttributes;
  return {
    ...row,
    TraceId: '<trace>',
    SpanId: '<span>',
    Timestamp: '<time>',
    ObservedTimestamp: '<time>',
    Body: blankIds(row.Body),
    LogAttributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, blankIds(value) as string])),
    ResourceAttributes: resource,
  };
}
