import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startPos, stopPos } from '../support/posProcess.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-e2e-'));
let store: LogStore;
let receiver: Receiver;
let receiverUrl: string;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'e2e', retentionDays: 30 });
  receiver = await createReceiver(loadConfig({}), { store });
  receiverUrl = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await receiver.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface StoredRecord {
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  TraceId: string;
  SpanId: string;
  LogAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

describe('POS → @stacklens/telemetry → receiver → ClickHouse', () => {
  it.each([
    ['http/protobuf', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'none'],
    ['http/json', 'gzip'],
  ])('an order for product 999 lands as a MISSING_PRICE record (%s, compression %s)', async (protocol, compression) => {
    const pos = await startPos(receiverUrl, { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_COMPRESSION: compression });
    const response = await fetch(`${pos.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: 'STORE_002', kioskId: 'KIOSK_001', items: [{ productId: '999', quantity: 1 }] }),
    });
    const answer = (await response.json()) as { code: string; orderId: string };
    expect(answer.code).toBe('MISSING_PRICE');
    // SIGTERM makes the POS flush its telemetry before it exits.
    await stopPos(pos.child);

    const rows = await store.transport.query<StoredRecord>(
      `SELECT SeverityText, SeverityNumber, ServiceName, TraceId, SpanId, LogAttributes, ResourceAttributes
       FROM ${store.logsTable} WHERE LogAttributes['order.id'] = {orderId:String}`,
      { orderId: answer.orderId },
    );
    expect(rows).toHaveLength(1);
    const [record] = rows;
    expect(record).toMatchObject({ SeverityText: 'ERROR', SeverityNumber: 17, ServiceName: 'demo-pos' });
    expect(record!.TraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(record!.SpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(record!.LogAttributes).toMatchObject({
      'error.code': 'MISSING_PRICE',
      'pos.store.id': 'STORE_002',
      'pos.kiosk.id': 'KIOSK_001',
      'product.id': '999',
      'http.response.status_code': String(response.status),
    });
    expect(record!.ResourceAttributes['service.name']).toBe('demo-pos');
  });
});
