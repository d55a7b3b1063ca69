import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startPos, stopPos } from '../support/posProcess.ts';
import { openFeed } from './support/feedClient.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-live-e2e-'));
let store: LogStore;
let receiver: Receiver;
let receiverUrl: string;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'live_e2e', retentionDays: 30 });
  receiver = await createReceiver(loadConfig({ STACKLENS_DATA_DIR: dataDir }), { store });
  receiverUrl = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await receiver.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the live feed inside the receiver', () => {
  it('shares the REST API scope: its error bodies and its OpenAPI document', async () => {
    const refused = await fetch(`${receiverUrl}/api/live/ticket`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: expect.any(String) });
    const unknownField = await fetch(`${receiverUrl}/api/live/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.tokens.admin}`, 'content-type': 'application/json' },
      body: '{"role":"admin"}',
    });
    expect(unknownField.status).toBe(400);
    const docs = await fetch(`${receiverUrl}/api/docs/json`, { headers: { authorization: `Bearer ${receiver.tokens.viewer}` } });
    const { paths } = (await docs.json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(paths['/api/live/ticket']!.post!.responses)).toEqual(expect.arrayContaining(['200', '401']));
    expect(paths['/api/live/stats']).toBeDefined();
    expect(paths['/api/live']).toBeDefined();
  });
});

describe('POS → receiver → processor → WebSocket', () => {
  it('a browser-style client with a ticket receives incident.created for an order of product 999', async () => {
    const ticketResponse = await fetch(`${receiverUrl}/api/live/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.tokens.viewer}` },
    });
    expect(ticketResponse.status).toBe(200);
    const { ticket } = (await ticketResponse.json()) as { ticket: string };
    const client = await openFeed(`${receiverUrl.replace(/^http/, 'ws')}/api/live?ticket=${ticket}&store=STORE_002`);
    expect((await client.next('backfill')).events).toEqual([]);

    const pos = await startPos(receiverUrl, { OTEL_BLRP_SCHEDULE_DELAY: '50' });
    try {
      const response = await fetch(`${pos.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ storeId: 'STORE_002', kioskId: 'KIOSK_001', items: [{ productId: '999', quantity: 1 }] }),
      });
      expect(((await response.json()) as { code: string }).code).toBe('MISSING_PRICE');

      const created = await client.next('incident.created', 15_000);
      expect(created.incident).toMatchObject({ errorType: 'MISSING_PRICE', service: 'demo-pos', status: 'open', count: 1 });
      expect(created.incident.storeCounts).toEqual({ STORE_002: 1 });
      expect(created.seq).toBeGreaterThan(0);
      const stats = await fetch(`${receiverUrl}/api/live/stats`, { headers: { authorization: `Bearer ${receiver.tokens.viewer}` } });
      expect(await stats.json()).toMatchObject({ connections: 1, slowClientsDropped: 0 });
    } finally {
      await stopPos(pos.child);
      await client.close();
    }
  });
});
