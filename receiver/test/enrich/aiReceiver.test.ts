import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import type { PosError } from '@stacklens/test-support/otlp';
import { openFeed, type FeedClient } from '../publish/support/feedClient.ts';
import { startAiReceiver, TOKENS, waitFor, type AiReceiver } from './support/aiReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-ai-receiver-'));
let store: LogStore;
let ai: AiReceiver;
let feed: FeedClient;

const missingPrice = (service = 'demo-pos'): PosError => ({
  errorCode: 'MISSING_PRICE',
  body: 'Product 999 (Mystery Product) has no price',
  store: 'STORE_001',
  kiosk: 'KIOSK_001',
  service,
  attributes: { 'product.id': '999', 'http.response.status_code': '422' },
});

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  ai = await startAiReceiver(store, dataDir, { ai: { similarRefreshMs: 200 } });
  const url = await ai.receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${url}/api/live/ticket`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.viewer}` } });
  const { ticket } = (await response.json()) as { ticket: string };
  feed = await openFeed(`${url.replace(/^http/, 'ws')}/api/live?ticket=${ticket}`);
  await feed.next('backfill');
}, 120_000);

afterAll(async () => {
  await feed?.close();
  await ai?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let first: Analysis;

describe('AI enrichment inside the receiver (chDB)', () => {
  it('gives a new incident an analysis: on the live feed, in GET /api/incidents/:id with its audit trail, and in the list', async () => {
    await ai.ingest([missingPrice()]);
    const event = await feed.next('ai.completed', 20_000);
    expect(event.incident).toMatchObject({ errorType: 'MISSING_PRICE', service: 'demo-pos', count: 1 });
    expect(event.analysis).toMatchObject({ analyser: 'offline', category: 'data', incidentId: event.incident.id });
    first = event.analysis;

    const id = event.incident.id;
    const detail = await waitFor(async () => {
      const body = (await ai.request('GET', `/api/incidents/${id}`, undefined, TOKENS.viewer)).json();
      return body.audit.some((entry: { stage: string }) => entry.stage === 'ai.completed') ? body : undefined;
    }, 'the ai.completed audit entry');
    expect(detail.analysis).toMatchObject({
      analyser: 'offline',
      model: expect.stringMatching(/^offline-kb-/),
      category: 'data',
      rootCause: expect.stringContaining('no price in the product master data'),
      summary: 'Product without a price in the product master data blocks its orders (product.id 999)',
      similarIncidents: [],
      createdAt: new Date(first.createdAt).toISOString(),
    });
    expect(detail.analysis.fixes[0]).toMatchObject({ rank: 1, priority: 'high', automatable: false });
    const stages = detail.audit.map((entry: { stage: string }) => entry.stage);
    expect(stages).toEqual(['detected', 'ai.pending', 'ai.completed']);
    expect(detail.audit[1].detail).toBe('new incident: answering offline (offline-kb-2026.11)');

    const list = (await ai.request('GET', '/api/incidents', undefined, TOKENS.viewer)).json();
    expect(list.items[0]).toMatchObject({
      id,
      analysis: { analyser: 'offline', category: 'data', summary: first.summary, confidence: first.confidence },
    });
  });

  it('finds similar past incidents in ClickHouse, with the Jira ticket of theirs', async () => {
    // The Jira integration writes jira_links; here the row is put there as it would.
    await store.transport.insertCompactJson(
      `${store.database}.jira_links`,
      ['fingerprint', 'incidentId', 'issueKey', 'url', 'status', 'statusCategory', 'createdAt', 'updatedAt', 'version', 'deleted'],
      `${JSON.stringify([first.fingerprint, first.incidentId, 'POS-42', 'https://jira.example/browse/POS-42', 'Done', 'done', Date.now(), Date.now(), 1, 0])}\n`,
    );
    // The similar-incident snapshot reads the table again every 200 ms here: new incidents until one sees it.
    let probe = 0;
    const event = await waitFor(async () => {
      await ai.ingest([missingPrice(`kiosk-agent-${++probe}`)]);
      const completed = await feed.next('ai.completed', 20_000);
      return completed.analysis.similarIncidents.some((similar) => similar.ticketKey) ? completed : undefined;
    }, 'an analysis that sees the ticket');
    expect(event.incident).toMatchObject({ service: `kiosk-agent-${probe}`, errorType: 'MISSING_PRICE' });
    // Same error type and message as the probes before it (the more recently seen rank first).
    expect(event.analysis.similarIncidents).toContainEqual({
      incidentId: first.incidentId,
      errorType: 'MISSING_PRICE',
      title: 'Product <num> (Mystery Product) has no price',
      status: 'open',
      ticketKey: 'POS-42',
    });
    expect(event.analysis.fixes.at(-1)!.action).toMatch(/^See POS-42 \(similar incident .*, done\)/);
    // Its ticket was done: the same error was dealt with before, so a little more confidence.
    expect(event.analysis.confidence).toBe(0.95);
  });

  it('answers a storm of the same error from the cache: no second analysis', async () => {
    const before = (await ai.request('GET', '/api/integrations/ai')).json().stats;
    await ai.ingest(Array.from({ length: 200 }, () => missingPrice()));
    await ai.ingest(Array.from({ length: 200 }, () => missingPrice()));
    const after = (await ai.request('GET', '/api/integrations/ai')).json().stats;
    expect(after.analyses).toBe(before.analyses);
    expect(after.changes).toBeGreaterThan(before.changes);
    expect(after.modelCalls).toBe(0);
  });

  it('after a restart, serves the stored analysis and does not make it again', async () => {
    await ai.close();
    ai = await startAiReceiver(store, dataDir);
    const detail = (await ai.request('GET', `/api/incidents/${first.incidentId}`, undefined, TOKENS.viewer)).json();
    expect(detail.analysis).toMatchObject({ incidentId: first.incidentId, summary: first.summary });
    await ai.ingest([missingPrice()]);
    const status = await waitFor(async () => {
      const body = (await ai.request('GET', '/api/integrations/ai')).json();
      return body.stats.fromStore === 1 ? body : undefined;
    }, 'the stored analysis to be taken');
    expect(status.stats).toMatchObject({ analyses: 0, fromStore: 1 });
    expect(await ai.receiver.integrations[0]!.analyses!.analysisFor(first.incidentId, 1_000)).toMatchObject({ summary: first.summary });
  });
});
