import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { jiraConfig, missingPrice, SECRET_TOKEN, startJiraReceiver, waitFor, type JiraReceiver } from './support/jiraReceiver.ts';

// One folder for the whole file: the restart reopens it after the first store is closed.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-restart-'));
const THROTTLE = { intervalMs: 1_500, doublingGapMs: 500 };
let jira: JiraDouble | undefined;

afterAll(async () => {
  await jira?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const reopenStore = () => openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });

/** `count` occurrences of one error in batches, `gapMs` apart. */
async function storm(api: JiraReceiver, from: number, count: number, batch = 50, gapMs = 100): Promise<void> {
  for (let sent = 0; sent < count; sent += batch) {
    await api.ingest(Array.from({ length: batch }, (_, i) => missingPrice(from + sent + i, `STORE_00${(sent / batch) % 3}`)));
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

async function drained(api: JiraReceiver): Promise<void> {
  await waitFor(async () => {
    const status = (await api.request('GET', '/api/integrations/jira/status')).json<{ queue: { pending: number; running: number } }>();
    return status.queue.pending === 0 && status.queue.running === 0;
  }, 'the outbox drained');
}

describe('1,000 occurrences of one error across a restart of the receiver', () => {
  it('make exactly one ticket and a few throttled comments', async () => {
    jira = await startJiraDouble();
    const started = Date.now();
    let store: LogStore = await reopenStore();
    let api = await startJiraReceiver(store, dataDir, { jira: { stage: { throttle: THROTTLE, analysisWaitMs: 0, refreshMs: 200 } } });
    const transcripts: string[] = [];
    try {
      expect((await api.request('PUT', '/api/integrations/jira', jiraConfig(jira.url))).statusCode).toBe(200);
      await storm(api, 0, 500);
      await waitFor(() => jira!.issues.length === 1, 'the ticket');
      await drained(api);
    } finally {
      transcripts.push(api.transcript());
      await api.close();
      await store.close();
    }

    store = await reopenStore();
    api = await startJiraReceiver(store, dataDir, { jira: { stage: { throttle: THROTTLE, analysisWaitMs: 0, refreshMs: 200 } } });
    try {
      await storm(api, 500, 500);
      await drained(api);
      const elapsed = Date.now() - started;
      const incidents = (await api.request('GET', '/api/incidents?errorType=MISSING_PRICE')).json<{
        items: Array<{ id: string; count: number }>;
      }>().items;
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.count).toBe(1_000);

      expect(jira.created()).toBe(1);
      const comments = jira.issues[0]!.comments.length;
      // At most one per doubling gap however fast the storm, and never one per occurrence.
      expect(comments).toBeGreaterThanOrEqual(1);
      expect(comments).toBeLessThanOrEqual(Math.ceil(elapsed / THROTTLE.doublingGapMs) + 1);
      expect(comments).toBeLessThan(30);
      const counts = jira.issues[0]!.comments.map((comment) => Number(/"(\d+) occurrences"/.exec(JSON.stringify(comment))?.[1]));
      expect(counts).toEqual([...counts].sort((a, b) => a - b)); // each comment tells a larger count
      expect(counts.at(-1)!).toBeGreaterThan(500); // the receiver after the restart kept commenting on the same ticket

      const detail = (await api.request('GET', `/api/incidents/${incidents[0]!.id}`)).json<{
        audit: Array<{ stage: string }>;
        ticket: { key: string };
      }>();
      expect(detail.ticket.key).toBe('POS-1');
      expect(detail.audit.filter((entry) => entry.stage === 'ticket.created')).toHaveLength(1);
      expect(detail.audit.filter((entry) => entry.stage === 'ticket.pending')).toHaveLength(1);
    } finally {
      transcripts.push(api.transcript());
      await api.close();
      await store.close();
    }
    expect(transcripts.join('\n')).not.toContain(SECRET_TOKEN);
  });
});
