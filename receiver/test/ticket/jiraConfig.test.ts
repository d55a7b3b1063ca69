import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { closedPort } from '@stacklens/test-support/network';
import { jiraConfig, SECRET_TOKEN, startJiraReceiver, TOKENS, type JiraReceiver } from './support/jiraReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-config-'));
let store: LogStore;
let jira: JiraDouble;
let api: JiraReceiver;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble({ credentials: { email: 'bot@example.com', apiToken: SECRET_TOKEN }, basePath: '/jira' });
  api = await startJiraReceiver(store, dataDir);
});

afterAll(async () => {
  await api?.close();
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Jira configuration API', () => {
  it('starts unconfigured and needs the admin token', async () => {
    const view = await api.request('GET', '/api/integrations/jira');
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ configured: false, source: 'none', apiTokenSet: false, testStatus: 'untested' });
    expect((await api.request('GET', '/api/integrations/jira', undefined, TOKENS.viewer)).statusCode).toBe(403);
    expect((await api.request('GET', '/api/integrations/jira', undefined, null)).statusCode).toBe(401);
    expect((await api.request('POST', '/api/integrations/jira/test')).statusCode).toBe(409);
  });

  it('refuses a configuration without a token, or with fields Jira would refuse', async () => {
    const noToken = await api.request('PUT', '/api/integrations/jira', { ...jiraConfig(jira.url), apiToken: undefined });
    // Well-formed, but nothing is saved to keep: a conflict with the state, not a bad request.
    expect(noToken.statusCode).toBe(409);
    expect(noToken.json().message).toBe('apiToken is required: no token is saved yet');
    const bad = await api.request(
      'PUT',
      '/api/integrations/jira',
      jiraConfig('ftp://x', { projectKey: 'pos', labels: ['has space'], extra: 1 }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const withCredentials = await api.request('PUT', '/api/integrations/jira', jiraConfig('https://bot:secret@example.atlassian.net'));
    expect(withCredentials.statusCode).toBe(400);
    expect(withCredentials.body).not.toContain('secret@');
  });

  it('saves it write-only: the answer says a token is set, never which', async () => {
    const saved = await api.request(
      'PUT',
      '/api/integrations/jira',
      jiraConfig(jira.url, { labels: ['pos'], linkTemplate: 'https://grafana.example.com/a/stacklens/incidents/{incidentId}' }),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      configured: true,
      source: 'api',
      baseUrl: jira.url,
      projectKey: 'POS',
      issueType: 'Bug',
      apiTokenSet: true,
      priorityMap: { CRITICAL: 'Highest', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' },
      onRegression: 'reopen',
    });
    expect(saved.json()).not.toHaveProperty('apiToken');
    // Sealed at rest: the settings row holds no trace of it.
    const rows = await store.transport.query<{ value: string; secrets: string }>(`SELECT value, secrets FROM stacklens.stacklens_settings`);
    expect(JSON.stringify(rows)).not.toContain(SECRET_TOKEN);
    expect(rows.some((row) => row.secrets.startsWith('v2.'))).toBe(true);
  });

  it('keeps the saved token for the same site, and asks for it again when the site or e-mail changes', async () => {
    const kept = await api.request('PUT', '/api/integrations/jira', {
      ...jiraConfig(jira.url, { autoCreate: false }),
      apiToken: undefined,
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ apiTokenSet: true, autoCreate: false });
    const moved = await api.request('PUT', '/api/integrations/jira', { ...jiraConfig('https://evil.example.com'), apiToken: undefined });
    expect(moved.statusCode).toBe(409);
    expect(moved.json().message).toContain('a saved token is only sent to the site it was entered for');
  });

  it('tests the saved configuration and records the result', async () => {
    const tested = await api.request('POST', '/api/integrations/jira/test');
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json()).toMatchObject({ ok: true, message: `Connected to ${jira.url}: tickets can be filed in POS as Bug.` });
    expect(tested.json().checks).toHaveLength(5);
    expect((await api.request('GET', '/api/integrations/jira')).json()).toMatchObject({ testStatus: 'ok', testError: null });
    expect((await api.request('GET', '/api/integrations/jira')).json().lastTestedAt).toMatch(/^\d{4}-/);
  });

  it('tests a candidate without saving it: a bad token gets a clear message', async () => {
    const tested = await api.request('POST', '/api/integrations/jira/test', { apiToken: 'not-the-right-token' });
    expect(tested.json()).toMatchObject({ ok: false });
    expect(tested.json().message).toBe(
      'Jira refused the e-mail and API token (401): check that the token is valid (id.atlassian.com → Security → API tokens) and belongs to bot@example.com',
    );
    expect((await api.request('GET', '/api/integrations/jira')).json().testStatus).toBe('ok');
    const unreachable = await api.request('POST', '/api/integrations/jira/test', {
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      email: 'bot@example.com',
      apiToken: 'x',
    });
    expect(unreachable.json().message).toMatch(/^Jira could not be reached: connection refused/);
  });

  it('records a failed test of the saved configuration', async () => {
    await api.request('PUT', '/api/integrations/jira', jiraConfig(jira.url, { apiToken: 'revoked-token', projectKey: 'POS' }));
    const tested = await api.request('POST', '/api/integrations/jira/test');
    expect(tested.json().ok).toBe(false);
    expect((await api.request('GET', '/api/integrations/jira')).json()).toMatchObject({
      testStatus: 'failed',
      testError: expect.stringContaining('(401)'),
    });
  });

  it('reports the outbox', async () => {
    const status = await api.request('GET', '/api/integrations/jira/status');
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toMatchObject({
      configured: true,
      enabled: true,
      queue: { pending: 0, failed: 0 },
      links: 0,
      worker: { active: true },
    });
  });

  it('removes the configuration', async () => {
    expect((await api.request('DELETE', '/api/integrations/jira')).statusCode).toBe(204);
    expect((await api.request('GET', '/api/integrations/jira')).json()).toMatchObject({
      configured: false,
      source: 'none',
      testStatus: 'untested',
    });
  });

  it('never shows the token in a response or a log line', () => {
    const transcript = api.transcript();
    expect(transcript.length).toBeGreaterThan(1_000);
    expect(transcript).not.toContain(SECRET_TOKEN);
    expect(transcript).not.toContain('not-the-right-token');
    expect(transcript).not.toContain('revoked-token');
    expect(transcript).not.toContain(Buffer.from(`bot@example.com:${SECRET_TOKEN}`).toString('base64'));
  });
});
