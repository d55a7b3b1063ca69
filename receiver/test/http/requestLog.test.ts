import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/http/requestLog.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startIntegrationReceiver, type IntegrationReceiver } from '../support/integrationReceiver.ts';

describe('redactUrl', () => {
  it('replaces the values of credential parameters and keeps the rest of the URL', () => {
    expect(redactUrl('/api/live?ticket=abc&severity=CRITICAL')).toBe('/api/live?ticket=[redacted]&severity=CRITICAL');
    expect(redactUrl('/hook?SECRET=s3&x=1&api_key=k&access-token=t')).toBe(
      '/hook?SECRET=[redacted]&x=1&api_key=[redacted]&access-token=[redacted]',
    );
    expect(redactUrl('/api/incidents?store=STORE_001')).toBe('/api/incidents?store=STORE_001');
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/x?%74icket=abc&bad=%E0%A4%A')).toBe('/x?%74icket=[redacted]&bad=%E0%A4%A');
  });
});

describe("the receiver's request log", () => {
  let dataDir: string;
  let store: LogStore;
  let api: IntegrationReceiver;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stacklens-request-log-'));
    store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
    api = await startIntegrationReceiver({
      store,
      dataDir,
      tokens: { viewer: 'viewer-token-request-log', admin: 'admin-token-request-log' },
      integrations: [],
    });
  });

  afterAll(async () => {
    await api?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs every request line without the credentials a URL may carry', async () => {
    await api.request('GET', '/api/live?ticket=one-time-ticket-value&severity=HIGH', undefined, null);
    await api.request('POST', '/api/integrations/jira/webhook?secret=webhook-secret-value', {}, null);
    const log = api.transcript();
    expect(log).toContain('"url":"/api/live?ticket=[redacted]&severity=HIGH"');
    expect(log).toContain('/api/integrations/jira/webhook?secret=[redacted]');
    expect(log).not.toContain('one-time-ticket-value');
    expect(log).not.toContain('webhook-secret-value');
  });
});
