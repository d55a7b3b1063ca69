import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveEvent } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiIntegrationFactory } from '../../src/enrich/aiIntegration.ts';
import { openStore } from '../../src/migrations.ts';
import type { LogStore } from '../../src/store/LogStore.ts';
import { jiraIntegrationFactory } from '../../src/ticket/jiraIntegration.ts';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { startIntegrationReceiver, waitFor, type IntegrationReceiver } from '../support/integrationReceiver.ts';
import { FAST, jiraConfig, TOKENS } from '../ticket/support/jiraReceiver.ts';
import type { PosError } from '@stacklens/test-support/otlp';

// One data folder for the whole file: chDB opens one folder per process.
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-storm-of-one-error-'));
let store: LogStore;
let jira: JiraDouble;
let api: IntegrationReceiver;
const events: LiveEvent[] = [];

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  jira = await startJiraDouble();
  api = await startIntegrationReceiver({
    store,
    dataDir,
    tokens: TOKENS,
    env: { OPENAI_API_KEY: '' },
    integrations: [aiIntegrationFactory(), jiraIntegrationFactory(FAST)],
  });
  api.receiver.bus.subscribe((event) => events.push(event));
  const saved = await api.request('PUT', '/api/integrations/jira', jiraConfig(jira.url));
  expect(saved.statusCode, saved.body).toBe(200);
});

afterAll(async () => {
  await api?.close();
  await jira?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A ULID, a nanoid, a base-36 order id or a UUID, at random. */
function randomId(): string {
  switch (randomInt(4)) {
    case 0:
      return pick('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 26);
    case 1:
      return pick(`${ALNUM}_-`, 21);
    case 2:
      return `ORD-${randomInt(36 ** 7, 36 ** 8)
        .toString(36)
        .toUpperCase()}`;
    default:
      return randomUUID();
  }
}

const declined = (): PosError => ({
  errorCode: 'PAYMENT_FAILED',
  body: `Payment declined for order ${randomId()} of user ${pick(LOWER, 3 + randomInt(8))} at ${pick(LOWER, 6)}-${randomInt(99)}.pos.example.com: card_declined`,
  store: `STORE_00${randomInt(1, 5)}`,
});

describe('a storm of one error on the real receiver (chDB, offline analyser, Jira double)', () => {
  it('turns 10,000 occurrences with random ULIDs, nanoids, base-36 ids, UUIDs, host and user names into 1 incident, 1 analysis, 1 ticket', async () => {
    for (let batch = 0; batch < 20; batch++) await api.ingest(Array.from({ length: 500 }, declined));

    const list = await api.request('GET', '/api/incidents');
    const items = list.json<{ items: Array<{ id: string; count: number; title: string }> }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ count: 10_000, title: 'Payment declined for order <*> of user <*> at <host>: card_declined' });
    await waitFor(() => jira.issues.length === 1, 'the ticket');
    await waitFor(() => events.some((event) => event.type === 'ai.completed'), 'the analysis');
    // Give a second ticket or analysis every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(events.filter((event) => event.type === 'incident.created')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'ai.completed')).toHaveLength(1);
    expect(jira.created()).toBe(1);
    expect(jira.issues[0]?.summary).toContain('Payment declined for order');
  });

  it('files one ticket and makes one analysis for a storm of 200 distinct new incidents of one rule in a minute, the first 10 grouped under it', async () => {
    const before = { tickets: jira.created(), analyses: events.filter((event) => event.type === 'ai.completed').length };
    const products = Array.from({ length: 200 }, (_, i) => 5_000 + i);
    for (let start = 0; start < products.length; start += 50) {
      await api.ingest(
        products.slice(start, start + 50).map((product) => ({
          errorCode: 'MISSING_PRICE',
          body: `Product ${product} has no price`,
          store: 'STORE_001',
          attributes: { 'product.id': String(product) },
        })),
      );
    }
    const storm = events.find((event) => event.type === 'storm');
    expect(storm).toMatchObject({ ruleId: 'pos-missing-price', newIncidents: 11, windowSeconds: 60 });
    await waitFor(() => jira.created() - before.tickets >= 1, 'the storm ticket');
    // Past the hold (5 s) of the first 10 incidents, and more: a ticket or analysis of theirs would show up by now.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(jira.created() - before.tickets).toBe(1);
    expect(events.filter((event) => event.type === 'ai.completed').length - before.analyses).toBe(1);

    const list = await api.request('GET', '/api/incidents?errorType=MISSING_PRICE&limit=500');
    type Item = { id: string; title: string; count: number; stormId?: string; stormSize?: number; ticket: { key: string } | null };
    const page = list.json<{ total: number; items: Item[] }>();
    expect(page.total).toBe(11);
    const stormIncident = page.items.find((item) => item.stormSize !== undefined)!;
    expect(stormIncident).toMatchObject({
      id: storm?.type === 'storm' ? storm.incident.id : '',
      count: 190,
      stormSize: 200,
      title: 'Storm: 200 new incidents of rule pos-missing-price in demo-pos (e.g. Product <num> has no price)',
    });
    expect(stormIncident.ticket?.key).toMatch(/^POS-\d+$/);
    // The Jira summary is the storm's title, not one product's message.
    const issue = jira.issues.find((known) => known.key === stormIncident.ticket?.key);
    expect(issue?.summary).toMatch(/^\[CRITICAL\] MISSING_PRICE: Storm: \d+ new incidents of rule pos-missing-price in demo-pos/);
    // The incidents made before the storm was recognised are grouped under it, with neither ticket nor analysis of their own.
    const members = page.items.filter((item) => item !== stormIncident);
    expect(members.map((item) => [item.stormId, item.ticket])).toEqual(Array(10).fill([stormIncident.id, null]));
    const grouped = await api.request('GET', `/api/incidents?storm=${stormIncident.id}`);
    expect(grouped.json<{ total: number }>().total).toBe(10);
    const detail = (await api.request('GET', `/api/incidents/${members[0]!.id}`)).json<{
      incident: { stormId: string; example: string };
      audit: Array<{ stage: string; detail: string }>;
      analysis: unknown;
    }>();
    expect(detail.incident.stormId).toBe(stormIncident.id);
    expect(detail.incident.example).toMatch(/^Product 50\d\d has no price$/);
    expect(detail.analysis).toBeNull();
    expect(detail.audit.find((entry) => entry.stage === 'storm')?.detail).toContain('none of its own was made');
    expect(detail.audit.some((entry) => entry.stage.startsWith('ai.') || entry.stage.startsWith('ticket.'))).toBe(false);
  });
});
