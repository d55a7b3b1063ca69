import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver } from '../../src/receiver.ts';
import { startApiReceiver, TOKENS } from './support/apiReceiver.ts';
import { protobufRequest, type PosError } from '@stacklens/test-support/otlp';

// One data folder for the whole file: chDB opens one folder per process.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-template-identity-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const exportFailed = (user: string): PosError => ({
  errorCode: 'EXPORT_FAILED',
  body: `Export of the sales report for ${user} failed: quota exceeded`,
  service: 'reports',
});

interface Item {
  id: string;
  count: number;
  title: string;
}

describe('template identity on ClickHouse (chDB)', () => {
  it('gives a message the fingerprint it had after a restart, and in a second receiver on the same store', async () => {
    const first = await startApiReceiver(dataDir);
    await first.ingest([exportFailed('alice'), exportFailed('bob'), exportFailed('carol')]);
    const before = (await first.get('/api/incidents')).json<{ items: Item[] }>().items;
    expect(before).toMatchObject([{ count: 3, title: 'Export of the sales report for <*> failed: quota exceeded' }]);
    const [templates] = await first.store.transport.query<{ n: string }>(
      'SELECT count() AS n FROM stacklens.incident_templates FINAL WHERE removed = 0',
    );
    expect(Number(templates?.n)).toBe(1);
    await first.close();

    // A restart: the store reopened, the templates and aliases loaded.
    const restarted = await startApiReceiver(dataDir);
    await restarted.ingest([exportFailed('dave')]);
    // A second receiver on the same store, started after the first wrote.
    const second = await createReceiver(
      loadConfig({
        STACKLENS_DATA_DIR: dataDir,
        STACKLENS_VIEWER_TOKEN: TOKENS.viewer,
        STACKLENS_ADMIN_TOKEN: TOKENS.admin,
        RECEIVER_PORT: '0',
      }),
      { store: restarted.store },
    );
    try {
      await second.tracker.start();
      const response = await second.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/x-protobuf' },
        payload: protobufRequest([exportFailed('erin')]),
      });
      expect(response.statusCode).toBe(200);
      await second.tracker.flush();
      expect(second.tracker.list().map((incident) => incident.id)).toEqual([before[0]?.id]);
    } finally {
      await second.close();
    }
    const after = (await restarted.get('/api/incidents')).json<{ items: Item[] }>().items;
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(before[0]?.id);
    await restarted.close();
  });
});
