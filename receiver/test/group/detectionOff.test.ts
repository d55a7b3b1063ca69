import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiReceiver, type ApiReceiver } from './support/apiReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-detection-off-'));
let api: ApiReceiver;

beforeAll(async () => {
  api = await startApiReceiver(dataDir, { STACKLENS_DETECTION: 'off' });
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('STACKLENS_DETECTION=off', () => {
  it('stores the records but opens no incident and publishes nothing', async () => {
    await api.ingest([{ errorCode: 'MISSING_PRICE', body: 'Product 999 has no price', store: 'STORE_001', kiosk: 'KIOSK_001' }]);
    expect(await api.store.countLogs()).toBe(1);
    expect((await api.get('/api/incidents')).json()).toMatchObject({ total: 0, items: [] });
    expect(api.receiver.bus.recent(10)).toEqual([]);
  });
});
