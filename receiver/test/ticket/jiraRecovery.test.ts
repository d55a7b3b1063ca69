import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import type { LogStore } from '../../src/store/LogStore.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { jiraConfig, missingPrice, startJiraReceiver, TOKENS, waitFor, type JiraReceiver } from './support/jiraReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-recovery-'));
const RIGHT_TOKEN = 'the-right-token-of-the-recovery-tests';
const REVOKED_TOKEN = 'a-revoked-token-of-the-recovery-tests';
let store: LogStore;
let jira: JiraDouble;
let api: JiraReceiver;

interface Status {
  queue: { pending: number; running: number; waiting: number; done: number; failed: number };
  waiting: Array<{ id: string; incidentId: string; state: string; lastError: string }>;
  worker: { jobsWaiting: number; jobsRequeued: number };
}

const status = async (): Promise<Status> => (await api.request('GET', '/api/integrations/jira/status')).json<Status>();
const createRequests = () => jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue');

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble({ credentials: { email: 'bot@example.com', apiToken: RIGHT_TOKEN } });
  api = await startJiraReceiver(store, dataDir);
});

afterAll(async () => {
  await api?.close();
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('recoverable Jira failures', () => {
  it('a revoked token: the job waits, said once on the console with what to fix; the fixed token files the ticket, once', async () => {
    expect((await api.request('PUT', '/api/integrations/jira', jiraConfig(jira.url, { apiToken: REVOKED_TOKEN }))).statusCode).toBe(200);
    await api.ingest([missingPrice(1), missingPrice(2)]);
    const waiting = await waitFor(async () => ((await status()).queue.waiting === 1 ? status() : undefined), 'the job waiting');
    expect(waiting.waiting).toMatchObject([
      {
        state: 'waiting',
        lastError: expect.stringMatching(/^Jira answered 401 .* — to fix: the Jira e-mail or API token is wrong or revoked/),
      },
    ]);
    expect(jira.issues).toHaveLength(0);
    // Told once, in words, with what to fix; never the token.
    const told = api
      .transcript()
      .split('\n')
      .filter((line) => line.includes('Jira refused the create job'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('To fix: the Jira e-mail or API token is wrong or revoked');
    expect(api.transcript()).not.toContain(REVOKED_TOKEN);

    // More occurrences queue nothing new while it waits.
    await api.ingest([missingPrice(3)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await status()).queue).toMatchObject({ waiting: 1, pending: 0 });

    // The admin saves the right token: the waiting job is queued again and files the ticket.
    expect((await api.request('PUT', '/api/integrations/jira', jiraConfig(jira.url, { apiToken: RIGHT_TOKEN }))).statusCode).toBe(200);
    await waitFor(() => jira.issues.length === 1, 'the ticket');
    await waitFor(async () => ((await status()).queue.done >= 1 ? true : undefined), 'the job done');
    expect((await status()).queue).toMatchObject({ waiting: 0, failed: 0 });

    // Once: a retry and later rounds file nothing more.
    const retried = await api.request('POST', '/api/integrations/jira/retry', {});
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toEqual({ requeued: 0 });
    await api.ingest([missingPrice(4)]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(jira.issues).toHaveLength(1);
    expect(createRequests().filter((r) => r.status === 201)).toHaveLength(1);
  });

  it('a missing permission fixed in Jira itself: POST /api/integrations/jira/retry queues the job again', async () => {
    jira.failNext(1, 403, { pathPart: '/rest/api/3/issue' });
    await api.ingest([{ ...missingPrice(5), errorCode: 'PAYMENT_FAILED', body: 'Card declined for order ORD-5' }]);
    await waitFor(async () => ((await status()).queue.waiting === 1 ? true : undefined), 'the job waiting');
    const issues = jira.issues.length;
    const retried = await api.request('POST', '/api/integrations/jira/retry', {});
    expect(retried.json()).toEqual({ requeued: 1 });
    await waitFor(() => jira.issues.length === issues + 1, 'the ticket');
    expect((await status()).worker).toMatchObject({ jobsRequeued: expect.any(Number) });
  });

  it('the retry is for admins, takes no settings, and is in the OpenAPI document', async () => {
    expect((await api.request('POST', '/api/integrations/jira/retry', {}, TOKENS.viewer)).statusCode).toBe(403);
    expect((await api.request('POST', '/api/integrations/jira/retry', {}, null)).statusCode).toBe(401);
    const extra = await api.request('POST', '/api/integrations/jira/retry', { all: true });
    expect(extra.json()).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'body.all is not a known property' });
    expect((await api.request('POST', '/api/integrations/jira/retry')).json()).toEqual({ requeued: 0 });
    const openApi = (await api.request('GET', '/api/docs/json')).json<{ paths: Record<string, unknown> }>();
    expect(openApi.paths).toHaveProperty(['/api/integrations/jira/retry', 'post']);
  });
});

describe('validation errors in words', () => {
  it('says what a Jira setting must look like, never the regular expression', async () => {
    const refused = await api.request(
      'PUT',
      '/api/integrations/jira',
      jiraConfig(jira.url, {
        projectKey: 'pos team',
        email: 'not-an-address',
        baseUrl: 'https://user:pw@x.example.com',
        labels: ['two words'],
      }),
    );
    expect(refused.statusCode).toBe(400);
    const { code, message } = refused.json<{ code: string; message: string }>();
    expect(code).toBe('VALIDATION_FAILED');
    expect(message.split('; ').sort()).toEqual([
      'body.baseUrl must be the Jira site URL, like https://your-domain.atlassian.net, without a user, query or fragment',
      'body.email must be an e-mail address, like bot@example.com',
      'body.labels.0 must be a label of 1 to 255 characters without spaces',
      'body.projectKey must look like POS: a capital letter, then up to 19 capitals, digits or _',
    ]);
    expect(message).not.toMatch(/[\^$]|pattern/);
    const link = await api.request('POST', '/api/integrations/jira/test', { linkTemplate: 'grafana/incidents' });
    expect(link.json<{ message: string }>().message).toMatch(/^body\.linkTemplate must be an http\(s\) URL/);
  });
});
