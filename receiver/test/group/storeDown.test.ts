import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver } from '../../src/receiver.ts';
import { LogStore } from '../../src/store/LogStore.ts';
import { HttpTransport } from '../../src/store/transports/HttpTransport.ts';
import { closedPort } from '@stacklens/test-support/network';
import { TOKENS } from './support/apiReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-api-down-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('when ClickHouse does not answer', () => {
  it('the receiver still starts; reads answer 503 STORE_UNAVAILABLE without the store error; the token check comes first', async () => {
    const store = new LogStore(
      new HttpTransport({ url: `http://127.0.0.1:${await closedPort()}`, username: 'default', password: '', requestTimeoutMs: 2_000 }),
      'stacklens',
    );
    const logged: string[] = [];
    const receiver = await createReceiver(
      loadConfig({ STACKLENS_DATA_DIR: dataDir, STACKLENS_VIEWER_TOKEN: TOKENS.viewer, STACKLENS_ADMIN_TOKEN: TOKENS.admin }),
      {
        store,
        logger: {
          level: 'error',
          stream: { write: (line: string) => void logged.push(line) },
        },
      },
    );
    try {
      // The incidents could not be loaded: said in the log, and detection waits for them.
      expect(logged.join('')).toContain('could not load the incidents; detection waits');
      const auth = { authorization: `Bearer ${TOKENS.viewer}` };
      for (const url of ['/api/incidents', '/api/errors', '/api/stats', '/api/incidents/abc']) {
        const response = await receiver.app.inject({ method: 'GET', url, headers: auth });
        expect(response.statusCode, url).toBe(503);
        expect(response.json(), url).toEqual({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'the incident store is unavailable' });
      }
      expect((await receiver.app.inject({ method: 'GET', url: '/api/incidents' })).statusCode).toBe(401);
      // Until the incidents are loaded, a change cannot tell a known incident from an unknown one.
      const ack = await receiver.app.inject({
        method: 'POST',
        url: '/api/incidents/abc/ack',
        headers: { authorization: `Bearer ${TOKENS.admin}` },
      });
      expect(ack.statusCode).toBe(503);
      expect(ack.json()).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('not loaded yet') });
    } finally {
      await receiver.close();
      await store.close();
    }
  });
});
