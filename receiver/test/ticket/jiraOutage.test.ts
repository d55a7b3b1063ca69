import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import type { PosError } from '@stacklens/test-support/otlp';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { jiraConfig, SECRET_TOKEN, startJiraReceiver, waitFor, type JiraReceiver } from './support/jiraReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-outage-'));
let store: LogStore;
let jira: JiraDouble;
const transcripts: string[] = [];
const POLL = { sync: { pollIntervalMs: 300 } };

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble();
});

afterAll(async () => {
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const errors: PosError[] = [
  { errorCode: 'MISSING_PRICE', body: 'Product 999 has no price', store: 'STORE_001' },
  { errorCode: 'PAYMENT_FAILED', body: 'Payment gateway timed out for order ORD-1', store: 'STORE_002' },
  { errorCode: 'INVALID_STORE_CONFIG', body: 'Kiosk KIOSK_9 is not configured for store STORE_003', store: 'STORE_003' },
];

async function status(api: JiraReceiver) {
  return (await api.request('GET', '/api/integrations/jira/status')).json<{
    queue: { pending: number; running: number; done: number; failed: number };
    worker: { active: boolean; lastError: { message: string } | null };
  }>();
}

async function stop(api: JiraReceiver): Promise<void> {
  transcripts.push(api.transcript());
  await api.close();
}

describe('Jira down for a while', () => {
  it('keeps the tickets queued across a restart, and files each once when Jira returns', async () => {
    jira.down();
    const first = await startJiraReceiver(store, dataDir, { jira: POLL });
    expect((await first.request('PUT', '/api/integrations/jira', jiraConfig(jira.url))).statusCode).toBe(200);
    await first.ingest(errors);
    await waitFor(async () => (await status(first)).worker.lastError?.message.includes('503'), 'a 503 seen');
    const { queue } = await status(first);
    expect(queue).toMatchObject({ done: 0, failed: 0 });
    expect(queue.pending + queue.running).toBe(3);
    await stop(first);

    // Restarted while Jira is still down: the jobs are in the store, not in the old process.
    const second = await startJiraReceiver(store, dataDir, { jira: POLL });
    await second.ingest(errors); // the same errors again queue nothing new
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(jira.created()).toBe(0);
    jira.up();
    await waitFor(() => jira.issues.length === 3, 'three tickets');
    await waitFor(async () => (await status(second)).queue.done === 3, 'three jobs done');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(jira.created()).toBe(3);
    expect(new Set(jira.issues.map((issue) => issue.labels.find((label) => label.startsWith('stacklens-fp-')))).size).toBe(3);
    const failedCalls = jira.requests.filter((request) => request.status === 503);
    expect(failedCalls.length).toBeGreaterThan(0);

    // The poll brings a status change back: Done resolves the incident.
    const key = jira.issues.find((issue) => issue.summary.includes('PAYMENT_FAILED'))!.key;
    jira.move(key, 'Done');
    await waitFor(async () => {
      const list = (await second.request('GET', '/api/incidents?errorType=PAYMENT_FAILED')).json<{
        items: Array<{ status: string; ticket: { statusCategory: string } | null }>;
      }>();
      return list.items[0]?.status === 'resolved' && list.items[0].ticket?.statusCategory === 'done';
    }, 'the incident resolved by the poll');
    await stop(second);
  });

  it('lets two receivers on one store file one ticket for an error both see', async () => {
    const [a, b] = await Promise.all([
      // Two receivers on one store have their own data folders, so their own lease names.
      startJiraReceiver(store, dataDir, { jira: { ...POLL, leaseOwner: 'receiver-a' } }),
      startJiraReceiver(store, dataDir, { jira: { ...POLL, leaseOwner: 'receiver-b' } }),
    ]);
    try {
      const before = jira.created();
      const notFound = (i: number): PosError => ({ errorCode: 'PRODUCT_NOT_FOUND', body: `Product ${i} not found`, store: 'STORE_004' });
      // Five occurrences within ten minutes on each: both stages decide to file.
      await Promise.all([a.ingest([1, 2, 3, 4, 5].map(notFound)), b.ingest([6, 7, 8, 9, 10].map(notFound))]);
      await waitFor(() => jira.created() === before + 1, 'the ticket');
      await waitFor(async () => {
        const { queue } = await status(a);
        return queue.pending + queue.running === 0;
      }, 'the outbox drained');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(jira.created()).toBe(before + 1);
      const active = [(await status(a)).worker.active, (await status(b)).worker.active];
      expect(active.filter(Boolean)).toHaveLength(1);
    } finally {
      await stop(a);
      await stop(b);
    }
  });

  it('never shows the token in a response or a log line', () => {
    expect(transcripts.join('\n').length).toBeGreaterThan(1_000);
    expect(transcripts.join('\n')).not.toContain(SECRET_TOKEN);
  });
});
