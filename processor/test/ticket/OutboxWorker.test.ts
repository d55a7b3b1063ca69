import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { GatewayCache } from '../../src/ticket/GatewayCache.ts';
import { createJobId, newJob, SOLE_LEASE, type OutboxJob } from '../../src/ticket/outbox.ts';
import { OutboxWorker } from '../../src/ticket/OutboxWorker.ts';
import { TicketStatusSync } from '../../src/ticket/TicketStatusSync.ts';
import type { Incident, TicketLink } from '../../src/types.ts';
import { incident } from './support/incidents.ts';
import { jiraSettings, memoryContext } from './support/memoryStores.ts';
import { waitFor } from './support/waitFor.ts';

const FP = 'f00dfeedcafe0001';
let jira: JiraDouble | undefined;
const workers: OutboxWorker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
  await jira?.close();
  jira = undefined;
});

function setup(baseUrl: string, incidents = new Map<string, Incident>([[FP, incident()]])) {
  const memory = memoryContext(jiraSettings({ baseUrl, linkTemplate: 'http://grafana/incidents/{incidentId}' }), incidents);
  const gateways = new GatewayCache({ timeoutMs: 2_000 });
  const worker = new OutboxWorker(memory.context, gateways, SOLE_LEASE, {
    retry: { baseMs: 20, maxMs: 100, rateLimitMs: 100 },
    pollIntervalMs: 30,
    callTimeoutMs: 2_000,
  });
  workers.push(worker);
  return { ...memory, gateways, worker };
}

function createJob(overrides: Partial<OutboxJob> = {}): OutboxJob {
  return {
    ...newJob(
      { id: createJobId(FP, 0), kind: 'create', incidentId: FP, fingerprint: FP, payload: { count: 1, actor: 'stacklens' } },
      Date.now(),
    ),
    ...overrides,
  };
}

const done = (h: ReturnType<typeof setup>, id = createJobId(FP, 0)) =>
  waitFor(() => h.outbox.jobs.get(id)?.state === 'done', 15_000, `job ${id} done`);

describe('OutboxWorker against a stateful Jira', () => {
  it('files the ticket: ADF description, labels, priority; links it, audits and publishes', async () => {
    jira = await startJiraDouble();
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    expect(jira.issues).toHaveLength(1);
    const [issue] = jira.issues;
    expect(issue).toMatchObject({
      summary: '[CRITICAL] MISSING_PRICE: Product 999 has no price (STORE_001)',
      priority: 'Highest',
      issueType: 'Bug',
    });
    expect(issue!.labels).toEqual(['stacklens', 'MISSING_PRICE', `stacklens-fp-${FP}`]);
    expect(JSON.stringify(issue!.description)).toContain('http://grafana/incidents/f00dfeedcafe0001');
    expect(await h.links.get(FP)).toMatchObject({ key: 'POS-1', url: `${jira.url}/browse/POS-1`, statusCategory: 'new' });
    expect(h.audit.map((entry) => entry.stage)).toEqual(['ticket.created']);
    expect(h.events.map((event) => event.type)).toEqual(['ticket.created']);
    expect(h.worker.status()).toMatchObject({ jobsDone: 1, jobsFailed: 0 });

    // A comment job goes to the linked issue.
    await h.outbox.put({
      ...newJob(
        {
          id: 'comment:x',
          kind: 'comment',
          incidentId: FP,
          fingerprint: FP,
          payload: { count: 9, sinceLast: 8, reason: 'recurrence', actor: 'stacklens' },
        },
        Date.now(),
      ),
    });
    h.worker.wake();
    await done(h, 'comment:x');
    expect(issue!.comments).toHaveLength(1);
  });

  it("files a job of an incident merged since for its survivor: the survivor's link when it has one, never a second ticket", async () => {
    jira = await startJiraDouble();
    const survivor = incident({ id: 'a0a0a0a0a0a0a0a0', fingerprint: 'a0a0a0a0a0a0a0a0' });
    // The store resolves the merged id to the survivor.
    const h = setup(jira.url, new Map([[FP, survivor]]));
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]?.labels).toContain(`stacklens-fp-${survivor.fingerprint}`);
    const filed = await h.links.get(survivor.fingerprint);
    expect(filed).toMatchObject({ incidentId: survivor.id });
    // Another job of the merged id finds the survivor's ticket.
    await h.outbox.put(createJob({ id: createJobId(FP, 1) }));
    h.worker.wake();
    await done(h, createJobId(FP, 1));
    expect(jira.issues).toHaveLength(1);
    expect(h.outbox.jobs.get(createJobId(FP, 1))?.result).toBe(filed?.key);
  });

  it('retries a job whose incident is not stored yet (a crash between the job and the incident write), then files it once', async () => {
    jira = await startJiraDouble();
    const incidents = new Map<string, Incident>();
    const h = setup(jira.url, incidents);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => (h.outbox.jobs.get(createJobId(FP, 0))?.attempts ?? 0) >= 2, 15_000, 'two attempts');
    expect(h.outbox.jobs.get(createJobId(FP, 0))).toMatchObject({ state: 'pending', lastError: `incident ${FP} is not in the store yet` });
    expect(jira.issues).toHaveLength(0);
    incidents.set(FP, incident());
    await done(h);
    expect(jira.issues).toHaveLength(1);
  });

  it('keeps a site path prefix', async () => {
    jira = await startJiraDouble({ basePath: '/proxy/jira' });
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    expect(jira.requests.every((request) => request.status < 400)).toBe(true);
    expect((await h.links.get(FP))?.url).toBe(`${jira.url}/browse/POS-1`);
  });

  it('waits for Retry-After on 429, then succeeds once', async () => {
    jira = await startJiraDouble();
    jira.failNext(1, 429, { pathPart: '/rest/api/3/issue', retryAfterSeconds: 0.3 });
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => h.worker.status().pausedUntil !== undefined);
    const paused = h.worker.status().pausedUntil!;
    await done(h);
    const created = jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue');
    expect(created.map((r) => r.status)).toEqual([429, 201]);
    expect(created[1]!.at).toBeGreaterThanOrEqual(paused - 5);
    expect(jira.issues).toHaveLength(1);
  });

  it('backs off while Jira answers 503, and files once when it returns', async () => {
    jira = await startJiraDouble();
    jira.down();
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => (h.outbox.jobs.get(createJobId(FP, 0))?.attempts ?? 0) >= 3, 15_000, 'three attempts');
    const job = h.outbox.jobs.get(createJobId(FP, 0))!;
    expect(['pending', 'running']).toContain(job.state); // between attempts, or in one
    expect(job.lastError).toContain('503');
    jira.up();
    await done(h);
    expect(jira.issues).toHaveLength(1);
    expect(h.audit.map((entry) => entry.stage)).toEqual(['ticket.created']);
  });

  it('keeps the job while Jira cannot be reached (connection refused)', async () => {
    const port = await closedPort();
    const h = setup(`http://127.0.0.1:${port}`);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => (h.outbox.jobs.get(createJobId(FP, 0))?.attempts ?? 0) >= 2);
    expect(['pending', 'running']).toContain(h.outbox.jobs.get(createJobId(FP, 0))!.state);
    expect(h.outbox.jobs.get(createJobId(FP, 0))!.lastError).toContain('connection refused');
    expect(h.worker.status().lastError?.message).toContain('could not be reached');
  });

  it("fails a job Jira refuses for a reason no setting cures (a 4xx) with Jira's own words, told once", async () => {
    jira = await startJiraDouble();
    jira.failNext(1, 400, { pathPart: '/rest/api/3/issue' });
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => h.outbox.jobs.get(createJobId(FP, 0))?.state === 'failed');
    const job = h.outbox.jobs.get(createJobId(FP, 0))!;
    expect(job.lastError).toBe('Jira answered 400 Bad Request: injected failure 400');
    expect(job.attempts).toBe(1);
    expect(h.audit.map((entry) => [entry.stage, entry.detail])).toEqual([['ticket.failed', `create: ${job.lastError}`]]);
    expect(h.events).toMatchObject([{ type: 'ticket.failed', error: job.lastError }]);
    expect(h.notices).toEqual([
      `Jira: the create job for incident ${FP} failed for good: ${job.lastError}. POST /api/incidents/${FP}/jira files it again.`,
    ]);
  });

  it('sets a job waiting when the create screen requires a field, says what to fix, and an admin retry files it', async () => {
    jira = await startJiraDouble({ requiredFields: [{ fieldId: 'components', name: 'Component/s' }] });
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await waitFor(() => h.outbox.jobs.get(createJobId(FP, 0))?.state === 'waiting');
    const job = h.outbox.jobs.get(createJobId(FP, 0))!;
    expect(job.lastError).toMatch(
      /^Jira answered 400 Bad Request: components: Component\/s is required\. — to fix: the project's create screen requires components/,
    );
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toContain('POST /api/integrations/jira/retry');
    expect(await h.outbox.counts()).toMatchObject({ waiting: 1, failed: 0 });
    expect(h.worker.status()).toMatchObject({ jobsWaiting: 1, jobsFailed: 0 });

    // Nothing changes by itself: the job stays waiting through later rounds.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')).toHaveLength(1);

    // The admin made the field optional in Jira (the settings do not show it) and retries.
    await jira.close();
    jira = await startJiraDouble({ port: Number(new URL(h.holder.settings!.baseUrl).port) });
    await expect(h.worker.retryWaiting()).resolves.toBe(1);
    await done(h);
    expect(jira.issues).toHaveLength(1);
    await expect(h.worker.retryWaiting()).resolves.toBe(0);
  });

  it('a wrong token: the jobs wait, told once; the fixed token queues them again and each ticket is filed once', async () => {
    jira = await startJiraDouble({ credentials: { email: 'bot@example.com', apiToken: 'the-right-token' } });
    const second = { ...incident(), id: 'beefbeefbeef0002', fingerprint: 'beefbeefbeef0002' };
    const h = setup(
      jira.url,
      new Map([
        [FP, incident()],
        [second.id, second],
      ]),
    );
    h.holder.settings = { ...h.holder.settings!, apiToken: 'a-revoked-token' };
    await h.outbox.put(createJob());
    await h.outbox.put(createJob({ id: createJobId(second.fingerprint, 0), incidentId: second.id, fingerprint: second.fingerprint }));
    h.worker.start();
    await waitFor(() => [...h.outbox.jobs.values()].every((job) => job.state === 'waiting'), 15_000, 'both jobs waiting');
    expect(h.notices).toHaveLength(1);
    expect(h.notices[0]).toMatch(
      /Jira answered 401 Unauthorized.*To fix: the Jira e-mail or API token is wrong or revoked: save a new token/,
    );
    expect(JSON.stringify(h.notices)).not.toContain('a-revoked-token');
    expect(await h.outbox.counts()).toMatchObject({ waiting: 2 });

    h.holder.settings = { ...h.holder.settings!, apiToken: 'the-right-token' };
    await done(h);
    await done(h, createJobId(second.fingerprint, 0));
    expect(jira.issues).toHaveLength(2);
    expect(jira.created()).toBe(2);
    expect(h.notices.at(-1)).toBe('Jira: the settings changed; 2 waiting jobs queued again.');
    expect(h.worker.status()).toMatchObject({ jobsWaiting: 2, jobsRequeued: 2, jobsDone: 2 });

    // Later rounds and retries file nothing more.
    await expect(h.worker.retryWaiting()).resolves.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(jira.created()).toBe(2);
  });

  it('treats a Jira that does not answer in time as down', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const memory = memoryContext(
        jiraSettings({ baseUrl: `http://127.0.0.1:${(silent.address() as { port: number }).port}` }),
        new Map([[FP, incident()]]),
      );
      const worker = new OutboxWorker(memory.context, new GatewayCache({ timeoutMs: 200 }), SOLE_LEASE, {
        retry: { baseMs: 10_000 },
        callTimeoutMs: 200,
      });
      workers.push(worker);
      await memory.outbox.put(createJob());
      worker.start();
      await waitFor(() => memory.outbox.jobs.get(createJobId(FP, 0))?.lastError);
      expect(memory.outbox.jobs.get(createJobId(FP, 0))).toMatchObject({ state: 'pending', attempts: 1 });
      expect(memory.outbox.jobs.get(createJobId(FP, 0))!.lastError).toMatch(
        /did not answer POST \/rest\/api\/3\/search\/jql within 200 ms/,
      );
    } finally {
      silent.close();
    }
  });

  it('does not file twice: a linked fingerprint needs no call, an interrupted create finds its issue by label', async () => {
    jira = await startJiraDouble();
    const h = setup(jira.url);
    // Jira holds an issue this job created before its receiver died, not yet recorded anywhere.
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    expect(jira.issues).toHaveLength(1);
    h.links.links.clear();
    const interrupted = createJob({ state: 'running', attempts: 1, firstAttemptAt: Date.now() - 1_000, nextAttemptAt: Date.now() });
    await h.outbox.put(interrupted);
    h.worker.wake();
    await waitFor(async () => (await h.links.get(FP))?.key === 'POS-1');
    expect(jira.created()).toBe(1);

    // With the link in place, a fresh job for the fingerprint makes no Jira call at all.
    const before = jira.requests.length;
    await h.outbox.put(createJob({ id: 'create:again' }));
    h.worker.wake();
    await done(h, 'create:again');
    expect(jira.requests.length).toBe(before);
  });

  it('reopens a Done ticket through a transition and comments on it', async () => {
    jira = await startJiraDouble();
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    jira.move('POS-1', 'Done');
    await h.links.save({ ...(await h.links.get(FP))!, status: 'Done', statusCategory: 'done' });
    await h.outbox.put(
      newJob(
        {
          id: 'reopen:x',
          kind: 'reopen',
          incidentId: FP,
          fingerprint: FP,
          payload: { count: 5, sinceLast: 2, reason: 'regression', actor: 'stacklens' },
        },
        Date.now(),
      ),
    );
    h.worker.wake();
    await done(h, 'reopen:x');
    expect(jira.issues[0]).toMatchObject({ status: 'To Do', statusCategory: 'new' });
    expect(jira.issues[0]!.comments).toHaveLength(1);
    expect(await h.links.get(FP)).toMatchObject({ status: 'To Do', statusCategory: 'new' });
    expect(h.events.map((event) => event.type)).toEqual(['ticket.created', 'ticket.updated']);
  });

  it('brings status back: a ticket moved to Done resolves its incident', async () => {
    jira = await startJiraDouble();
    const h = setup(jira.url);
    await h.outbox.put(createJob());
    h.worker.start();
    await done(h);
    const sync = new TicketStatusSync(h.context, h.gateways, SOLE_LEASE, { pollIntervalMs: 0 });
    expect(await sync.pollOnce()).toBe(1); // '' → To Do
    expect(await sync.pollOnce()).toBe(0);
    jira.move('POS-1', 'Done');
    expect(await sync.pollOnce()).toBe(1);
    const link: TicketLink | undefined = await h.links.get(FP);
    expect(link).toMatchObject({ status: 'Done', statusCategory: 'done' });
    expect(h.resolved).toEqual([FP]);
    expect(h.events.filter((event) => event.type === 'ticket.updated')).toHaveLength(2);
    expect(await sync.apply('NOPE-1', 'Done', 'done')).toBeUndefined();
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
