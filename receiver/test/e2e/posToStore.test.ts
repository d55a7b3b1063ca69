import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { openLogStore, type LogStore } from '../../src/store/LogStore.ts';

const POS_MAIN = fileURLToPath(new URL('../../../demo-pos/src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-e2e-'));
let store: LogStore;
let receiver: Receiver;
let receiverUrl: string;

beforeAll(async () => {
  store = await openLogStore({ kind: 'chdb', dataDir, database: 'e2e', retentionDays: 30 });
  receiver = await createReceiver(loadConfig({}), { store });
  receiverUrl = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await receiver.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the real POS process exporting to our receiver; resolves with its URL. */
async function startPos(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [POS_MAIN], {
    env: { ...process.env, POS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`POS exited early with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return { child, url };
}

async function stopPos(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

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
    const pos = await startPos({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_COMPRESSION: compression });
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
