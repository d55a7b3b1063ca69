import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveEvent } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { jiraConfig, missingPrice, SECRET_TOKEN, startJiraReceiver, TOKENS, waitFor, type JiraReceiver } from './support/jiraReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-tickets-'));
const WEBHOOK_SECRET = 'webhook-secret-of-the-tests';
let store: LogStore;
let jira: JiraDouble;
let api: JiraReceiver;
const events: LiveEvent[] = [];

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble();
  api = await startJiraReceiver(store, dataDir, { env: { JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  api.receiver.bus.subscribe((event) => events.push(event));
  const saved = await api.request(
    'PUT',
    '/api/integrations/jira',
    jiraConfig(jira.url, { linkTemplate: 'https://grafana.example.com/incidents/{incidentId}' }),
  );
  expect(saved.statusCode, saved.body).toBe(200);
});

afterAll(async () => {
  await api?.close();
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function incidentDetail(id: string) {
  const response = await api.request('GET', `/api/incidents/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    incident: { status: string };
    audit: Array<{ stage: string; detail: string; actor: string }>;
    ticket: { key: string; status: string; statusCategory: string; url: string } | null;
  }>();
}

async function incidentId(errorType: string): Promise<string> {
  const list = await api.request('GET', `/api/incidents?errorType=${errorType}`);
  return list.json<{ items: Array<{ id: string }> }>().items[0]!.id;
}

let webhookCount = 0;

function webhook(key: string, status: string, category: string, signWith = WEBHOOK_SECRET) {
  // Jira stamps each event; the receiver takes each signed event once, within 10 minutes of it.
  const body = JSON.stringify({
    timestamp: Date.now() + webhookCount++,
    webhookEvent: 'jira:issue_updated',
    issue: { key, fields: { status: { name: status, statusCategory: { key: category } } } },
  });
  const signature = `sha256=${createHmac('sha256', signWith).update(body).digest('hex')}`;
  return api.receiver.app.inject({
    method: 'POST',
    url: '/api/integrations/jira/webhook',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
    payload: body,
  });
}

describe('tickets from incidents', () => {
  it('files one ticket for an auto rule on its first occurrence, linked, audited and announced', async () => {
    await api.ingest([missingPrice(1)]);
    await waitFor(() => jira.issues.length === 1, 'the ticket');
    const id = await incidentId('MISSING_PRICE');
    const detail = await waitFor(async () => {
      const d = await incidentDetail(id);
      return d.ticket && d.audit.some((entry) => entry.stage === 'ticket.created') ? d : undefined;
    }, 'the link and audit entry');
    expect(detail.ticket).toMatchObject({ key: 'POS-1', url: `${jira.url}/browse/POS-1`, statusCategory: 'new' });
    expect(detail.audit.map((entry) => entry.stage)).toEqual(expect.arrayContaining(['detected', 'ticket.pending', 'ticket.created']));
    expect(jira.issues[0]).toMatchObject({
      summary: '[CRITICAL] MISSING_PRICE: Product 999 has no price (order ORD-1) (STORE_001)',
      priority: 'Highest',
    });
    expect(JSON.stringify(jira.issues[0]!.description)).toContain(`https://grafana.example.com/incidents/${id}`);
    expect(events.some((event) => event.type === 'ticket.created' && event.ticket.key === 'POS-1')).toBe(true);
    // The list joins the ticket too.
    const list = await api.request('GET', '/api/incidents?errorType=MISSING_PRICE');
    expect(list.json().items[0].ticket).toMatchObject({ key: 'POS-1' });
  });

  it('files a manual ticket on request of a Grafana user (editor token), with notes, and answers the link afterwards', async () => {
    await api.ingest([{ errorCode: 'PRODUCT_NOT_FOUND', body: 'Product 4242 not found', store: 'STORE_002' }]);
    const id = await incidentId('PRODUCT_NOT_FOUND');
    expect((await incidentDetail(id)).ticket).toBeNull(); // 1 occurrence: the rule waits for 5 in 10 minutes
    const grafanaUser = JSON.stringify({ UserID: 3, OrgID: 1, OrgRole: 'Editor', Login: 'eddie', IsAnonymous: false });
    const queued = await api.request('POST', `/api/incidents/${id}/jira`, { notes: 'Menu team: please check the feed' }, TOKENS.editor, {
      'x-grafana-context': grafanaUser,
    });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'queued', job: { kind: 'create', incidentId: id } });
    await waitFor(() => jira.issues.length === 2, 'the manual ticket');
    expect(JSON.stringify(jira.issues[1]!.description)).toContain('Menu team: please check the feed');
    const linked = await waitFor(async () => {
      const answer = await api.request('POST', `/api/incidents/${id}/jira`, {});
      return answer.statusCode === 200 ? answer : undefined;
    }, 'the linked answer');
    expect(linked.json()).toMatchObject({ status: 'linked', ticket: { key: 'POS-2' } });
    expect((await incidentDetail(id)).audit.find((entry) => entry.stage === 'ticket.pending')).toMatchObject({ actor: 'grafana:eddie' });
    expect((await api.request('POST', `/api/incidents/${id}/jira`, {}, TOKENS.viewer)).statusCode).toBe(403);
    expect((await api.request('POST', '/api/incidents/nope/jira', {})).statusCode).toBe(404);
  });

  it('takes status back by webhook: Done resolves the incident; a regression reopens the ticket', async () => {
    const id = await incidentId('MISSING_PRICE');
    expect((await webhook('POS-1', 'Done', 'done', 'wrong-secret-wrong-secret')).statusCode).toBe(401);
    const unsigned = await api.receiver.app.inject({
      method: 'POST',
      url: '/api/integrations/jira/webhook',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unsigned.statusCode).toBe(401);
    jira.move('POS-1', 'Done');
    const applied = await webhook('POS-1', 'Done', 'done');
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toEqual({ applied: true });
    await waitFor(async () => (await incidentDetail(id)).incident.status === 'resolved', 'the incident resolved');
    const resolved = await incidentDetail(id);
    expect(resolved.ticket).toMatchObject({ status: 'Done', statusCategory: 'done' });
    // Jira resolved it, not a person through the API: the audit trail says so.
    expect(resolved.audit.find((entry) => entry.stage === 'resolved')).toMatchObject({ actor: 'jira' });
    expect((await webhook('POS-404', 'Done', 'done')).json()).toEqual({ applied: false });

    await api.ingest([missingPrice(2)]);
    // The reopen job transitions, then comments.
    await waitFor(() => jira.issues[0]!.status === 'To Do' && jira.issues[0]!.comments.length > 0, 'the ticket reopened');
    expect(jira.issues).toHaveLength(2); // reopened, not filed anew
    expect(JSON.stringify(jira.issues[0]!.comments)).toContain('Fired again after being resolved');
    await waitFor(async () => (await incidentDetail(id)).ticket?.statusCategory === 'new', 'the link updated');
  });

  it('never shows the token in a response or a log line', () => {
    expect(api.transcript()).not.toContain(SECRET_TOKEN);
  });
});
