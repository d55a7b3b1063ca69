import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newJob, type OutboxJob } from '@stacklens/processor/ticket';
import type { TicketLink } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLease } from '../../src/ticket/ClickHouseLease.ts';
import { ClickHouseLinkStore } from '../../src/ticket/ClickHouseLinkStore.ts';
import { ClickHouseOutboxStore } from '../../src/ticket/ClickHouseOutboxStore.ts';
import { jiraTables } from '../../src/ticket/jiraSchema.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { waitFor } from './support/jiraReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-jira-stores-'));
let store: LogStore;
let outbox: ClickHouseOutboxStore;
let links: ClickHouseLinkStore;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  const tables = jiraTables('stacklens');
  outbox = new ClickHouseOutboxStore(store.transport, tables.outbox);
  links = new ClickHouseLinkStore(store.transport, tables.links);
});

afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const T = Date.parse('2026-11-25T10:00:00Z');
const job = (id: string, fingerprint: string, at: number, overrides: Partial<OutboxJob> = {}): OutboxJob => ({
  ...newJob({ id, kind: 'create', incidentId: fingerprint, fingerprint, payload: { count: 3, actor: 'stacklens', notes: 'n' } }, at),
  ...overrides,
});

describe('ClickHouseOutboxStore', () => {
  it('keeps the newest version of each job and finds what is due, oldest first', async () => {
    await outbox.put(job('b', 'fp2', T + 1));
    await outbox.put(job('a', 'fp1', T));
    await outbox.put(job('c', 'fp3', T + 2, { nextAttemptAt: T + 60_000 }));
    expect((await outbox.due(T + 10, 10)).map((j) => j.id)).toEqual(['a', 'b']);
    expect(await outbox.get('a')).toEqual(job('a', 'fp1', T));
    await outbox.put({ ...job('a', 'fp1', T), state: 'running', attempts: 1, firstAttemptAt: T + 5, nextAttemptAt: T + 120_000 });
    await outbox.put({ ...job('a', 'fp1', T), state: 'done', attempts: 1, result: 'POS-1', nextAttemptAt: T + 6 });
    expect(await outbox.get('a')).toMatchObject({ state: 'done', result: 'POS-1', attempts: 1, firstAttemptAt: 0 });
    expect((await outbox.due(T + 10, 10)).map((j) => j.id)).toEqual(['b']);
    expect(await outbox.nextDue()).toBe(T + 1);
    await outbox.put({ ...job('b', 'fp2', T + 1), state: 'failed', lastError: 'Jira answered 400', updatedAt: T + 50 });
    expect(await outbox.counts()).toEqual({ pending: 1, running: 0, waiting: 0, done: 1, failed: 1, nextAttemptAt: T + 60_000 });
    expect((await outbox.failures(5)).map((j) => [j.id, j.lastError])).toEqual([['b', 'Jira answered 400']]);
  });

  it('lists the jobs waiting for a settings fix, oldest first, and counts them; a waiting job is not due', async () => {
    await outbox.put({ ...job('w2', 'fp5', T + 30), state: 'waiting', lastError: 'Jira answered 401' });
    await outbox.put({ ...job('w1', 'fp4', T + 20), state: 'waiting', lastError: 'Jira answered 403' });
    expect((await outbox.waiting(10)).map((j) => j.id)).toEqual(['w1', 'w2']);
    expect((await outbox.waiting(1)).map((j) => j.id)).toEqual(['w1']);
    expect(await outbox.counts()).toMatchObject({ waiting: 2 });
    expect((await outbox.due(T + 1_000_000, 10)).map((j) => j.id)).not.toContain('w1');
    await outbox.put({ ...job('w1', 'fp4', T + 20), state: 'pending' });
    expect((await outbox.waiting(10)).map((j) => j.id)).toEqual(['w2']);
  });

  it('answers the latest job of a fingerprint by kind', async () => {
    await outbox.put({ ...job('comment:fp1:9', 'fp1', T + 100), kind: 'comment' });
    expect((await outbox.latest('fp1', ['create']))?.id).toBe('a');
    expect((await outbox.latest('fp1', ['comment', 'create']))?.id).toBe('comment:fp1:9');
    expect(await outbox.latest('nope', ['create'])).toBeUndefined();
  });
});

describe('ClickHouseLinkStore', () => {
  const link = (fingerprint: string, key: string, overrides: Partial<TicketLink> = {}): TicketLink => ({
    incidentId: fingerprint,
    fingerprint,
    key,
    url: `https://x.atlassian.net/browse/${key}`,
    status: 'To Do',
    statusCategory: 'new',
    createdAt: T,
    updatedAt: T,
    ...overrides,
  });

  it('keeps one link per fingerprint, newest wins, found by fingerprint, key or incident', async () => {
    await links.save(link('fp1', 'POS-1'));
    await links.save(link('fp2', 'POS-2'));
    await links.save(link('fp1', 'POS-1', { status: 'Done', statusCategory: 'done', updatedAt: T + 10 }));
    expect(await links.get('fp1')).toEqual(link('fp1', 'POS-1', { status: 'Done', statusCategory: 'done', updatedAt: T + 10 }));
    expect((await links.byKey('POS-2'))?.fingerprint).toBe('fp2');
    expect([...(await links.forIncidents(['fp1', 'fp2', 'fp9'])).keys()].sort()).toEqual(['fp1', 'fp2']);
    expect(await links.forIncidents([])).toEqual(new Map());
    expect((await links.open(10)).map((l) => l.key)).toEqual(['POS-2']);
    expect(await links.count()).toBe(2);
  });
});

describe('ClickHouseLease', () => {
  it('lets exactly one of several receivers work the outbox, and another take over when it stops', async () => {
    const termMs = 600;
    const leases = ['r1', 'r2', 'r3'].map(
      (owner) => new ClickHouseLease(store.transport, jiraTables('stacklens').lease, { termMs, owner }),
    );
    await Promise.all(leases.map((lease) => lease.start()));
    try {
      for (let i = 0; i < 8; i += 1) {
        await Promise.all(leases.map((lease) => lease.tick()));
        expect(leases.filter((lease) => lease.held(0)).length).toBeLessThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, termMs / 4));
      }
      const holder = await waitFor(() => leases.find((lease) => lease.held(0)), 'a holder');
      holder.close();
      const rest = leases.filter((lease) => lease !== holder);
      const next = await waitFor(() => rest.find((lease) => lease.held(0)), 'a new holder', 10_000);
      expect(next.owner).not.toBe(holder.owner);
      expect(rest.filter((lease) => lease.held(0))).toHaveLength(1);
    } finally {
      for (const lease of leases) lease.close();
    }
  });
});
