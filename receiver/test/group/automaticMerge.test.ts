import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiIntegrationFactory } from '../../src/enrich/aiIntegration.ts';
import { openStore } from '../../src/migrations.ts';
import type { LogStore } from '../../src/store/LogStore.ts';
import { jiraIntegrationFactory } from '../../src/ticket/jiraIntegration.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import type { PosError } from '@stacklens/test-support/otlp';
import { openReceiverFeed } from '../publish/support/receiverFeed.ts';
import { startIntegrationReceiver, waitFor, type IntegrationReceiver } from '../support/integrationReceiver.ts';
import { FAST, jiraConfig, TOKENS } from '../ticket/support/jiraReceiver.ts';

// One data folder for the whole file: chDB opens one folder per process.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-automatic-merge-'));
let store: LogStore;
let jira: JiraDouble;
const open: IntegrationReceiver[] = [];

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble();
});

afterAll(async () => {
  for (const receiver of open) await receiver.close().catch(() => {});
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const withTickets = async (): Promise<IntegrationReceiver> => {
  const receiver = await startIntegrationReceiver({
    store,
    dataDir,
    tokens: TOKENS,
    env: { OPENAI_API_KEY: '' },
    integrations: [aiIntegrationFactory(), jiraIntegrationFactory(FAST)],
  });
  open.push(receiver);
  return receiver;
};

// pos-payment-failed files a ticket at the first occurrence and groups by the message's template.
const declined = (user: string): PosError => ({
  errorCode: 'PAYMENT_FAILED',
  body: `Payment declined for customer ${user} at checkout: card_declined`,
});

interface Detail {
  incident: { id: string; count: number; title: string };
  ticket: { key: string; incidentId: string } | null;
  analysis: { incidentId: string } | null;
  audit: Array<{ stage: string; detail: string; actor: string }>;
}

describe('an automatic merge on the real receiver (chDB, offline analyser, Jira double)', () => {
  it('moves the ticket and the analysis of the absorbed incident to the survivor, adds the counts up, and files no second ticket', async () => {
    // Two receivers on one store, started before either has mined anything: each makes its own incident of one template.
    let tickets = await withTickets();
    const saved = await tickets.request('PUT', '/api/integrations/jira', jiraConfig(jira.url));
    expect(saved.statusCode, saved.body).toBe(200);
    const quiet = await startIntegrationReceiver({ store, dataDir, tokens: TOKENS, integrations: [] });
    open.push(quiet);

    // The one without Jira and AI sees the error first: its incident is the older and survives the merge.
    await quiet.ingest([declined('alice'), declined('bob')]);
    const [survivor] = quiet.receiver.tracker.list();
    await tickets.ingest([declined('carol'), declined('dave'), declined('erin')]);
    const [absorbed] = tickets.receiver.tracker.list();
    expect(absorbed?.id).not.toBe(survivor?.id);
    expect(absorbed?.title).toBe(survivor?.title);
    await waitFor(() => jira.created() === 1, "the second incident's ticket");
    const key = jira.issues[0]?.key;
    await waitFor(async () => {
      const detail = (await tickets.request('GET', `/api/incidents/${absorbed!.id}`)).json<Detail>();
      return detail.ticket !== null && detail.analysis !== null;
    }, 'its link and analysis stored');
    await quiet.close();
    await tickets.close();

    // A restart loads both receivers' templates: the two incidents claim one fingerprint and merge, the older surviving.
    tickets = await withTickets();
    // A live page that connects now hears of it over the WebSocket (the feed's replay): the absorbed incident went.
    const feed = await openReceiverFeed(tickets.receiver.app, TOKENS.viewer);
    const replay = (await feed.next('backfill')).events;
    await feed.close();
    expect(replay.filter((event) => event.type === 'incident.merged')).toEqual([
      expect.objectContaining({
        incident: expect.objectContaining({ id: absorbed!.id, count: 3 }),
        into: survivor!.id,
        actor: 'stacklens',
      }),
    ]);
    // The merge is stored with the tracker's next write (the alias that resolves the old id, the survivor's new count).
    await tickets.receiver.tracker.flush();
    await waitFor(async () => {
      const detail = (await tickets.request('GET', `/api/incidents/${survivor!.id}`)).json<Detail>();
      return detail.ticket?.key === key && detail.analysis !== null;
    }, 'the ticket and the analysis following the survivor');
    const viaOldId = (await tickets.request('GET', `/api/incidents/${absorbed!.id}`)).json<Detail>();
    expect(viaOldId.incident).toMatchObject({ id: survivor!.id, count: 5 });
    expect(viaOldId.ticket).toMatchObject({ key, incidentId: survivor!.id });
    expect(viaOldId.analysis?.incidentId).toBe(survivor!.id);
    const merged = viaOldId.audit.filter((entry) => entry.stage === 'merged');
    expect(merged.map((entry) => entry.actor)).toEqual(['stacklens', 'stacklens', 'stacklens']);
    expect(merged.map((entry) => entry.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^merged incident ${absorbed!.id} \\(3 occurrences\\) into this one`)),
        `ticket ${key} of incident ${absorbed!.id} now stands for this one`,
        expect.stringMatching(new RegExp(`^the analysis of incident ${absorbed!.id} `)),
      ]),
    );

    // More of the error, on the survivor: its ticket is the moved one, so no second ticket is filed.
    await tickets.ingest([declined('frank'), declined('grace')]);
    const list = (await tickets.request('GET', '/api/incidents')).json<{ items: Array<{ id: string; count: number }> }>().items;
    expect(list).toEqual([expect.objectContaining({ id: survivor!.id, count: 7 })]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(jira.created()).toBe(1);
  }, 90_000);
});
