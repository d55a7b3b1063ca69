import { describe, expect, it } from 'vitest';
import type { TicketLink } from '../../src/types.ts';
import { TicketStage } from '../../src/ticket/TicketStage.ts';
import { newJob, type OutboxJob } from '../../src/ticket/outbox.ts';
import { change, incident } from './support/incidents.ts';
import { jiraSettings, memoryContext } from './support/memoryStores.ts';

const T0 = Date.parse('2026-11-25T10:00:00Z');

function harness(settings = jiraSettings(), options: ConstructorParameters<typeof TicketStage>[1] = {}) {
  const memory = memoryContext(settings);
  const clock = { now: T0 };
  memory.context.clock = () => clock.now;
  const queued: OutboxJob[] = [];
  const stage = new TicketStage(memory.context, { refreshMs: 0, ...options, onQueued: (job) => queued.push(job) });
  return { ...memory, clock, queued, stage };
}

function link(overrides: Partial<TicketLink> = {}): TicketLink {
  return {
    incidentId: 'f00dfeedcafe0001',
    fingerprint: 'f00dfeedcafe0001',
    key: 'POS-1',
    url: 'http://jira/browse/POS-1',
    status: 'To Do',
    statusCategory: 'new',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe('TicketStage', () => {
  it('queues one create job when an auto rule fires on its first occurrence', async () => {
    const h = harness();
    h.stage.onIncidentChange(change('created', incident(), 1, T0));
    h.stage.onIncidentChange(change('occurrences', incident({ count: 2 }), 1, T0 + 100));
    await h.stage.settle();
    expect(h.outbox.ofKind('create')).toHaveLength(1);
    expect(h.queued.map((job) => job.id)).toEqual(['create:f00dfeedcafe0001:0']);
    expect(h.audit.map((entry) => entry.stage)).toEqual(['ticket.pending']);
    expect(h.audit[0]!.detail).toMatch(/occurrences within 60 min \(rule pos-missing-price\)/);
  });

  it('waits for N occurrences within the window', async () => {
    const policy = { mode: 'auto', afterOccurrences: 5, windowMinutes: 10 } as const;
    const h = harness();
    const at = (minutes: number) => T0 + minutes * 60_000;
    h.stage.onIncidentChange(change('created', incident({ ticketPolicy: policy }), 2, at(0)));
    h.stage.onIncidentChange(change('occurrences', incident({ ticketPolicy: policy, count: 4 }), 2, at(11)));
    await h.stage.settle();
    expect(h.queued).toHaveLength(0); // 4 in total, never 5 within 10 minutes
    h.stage.onIncidentChange(change('occurrences', incident({ ticketPolicy: policy, count: 7 }), 3, at(12)));
    await h.stage.settle();
    expect(h.queued).toHaveLength(1);
  });

  it('writes why it skipped, once per reason', async () => {
    const h = harness();
    const manual = incident({ ticketPolicy: { mode: 'manual' } });
    h.stage.onIncidentChange(change('created', manual, 1, T0));
    h.stage.onIncidentChange(change('occurrences', { ...manual, count: 2 }, 1, T0 + 1));
    await h.stage.settle();
    expect(h.audit).toHaveLength(1);
    expect(h.audit[0]).toMatchObject({ stage: 'ticket.skipped', actor: 'stacklens' });
    expect(h.audit[0]!.detail).toContain('only on request');

    const off = harness(jiraSettings({ autoCreate: false }));
    off.stage.onIncidentChange(change('created', incident(), 1, T0));
    await off.stage.settle();
    expect(off.audit.map((entry) => entry.detail)).toEqual(['automatic tickets are off (autoCreate)']);

    const disabled = harness(jiraSettings({ enabled: false }));
    disabled.stage.onIncidentChange(change('created', incident(), 1, T0));
    await disabled.stage.settle();
    expect(disabled.audit.map((entry) => entry.detail)).toEqual(['the Jira integration is disabled']);
  });

  it('stays silent while Jira is not configured', async () => {
    const h = harness();
    h.holder.settings = undefined;
    h.stage.onIncidentChange(change('created', incident(), 1, T0));
    await h.stage.settle();
    expect(h.audit).toHaveLength(0);
    expect(h.outbox.jobs.size).toBe(0);
  });

  it('comments on a linked ticket at most once per interval, sooner when the count doubles', async () => {
    const h = harness(jiraSettings({ commentIntervalMinutes: 15 }), { throttle: { doublingGapMs: 60_000 } });
    await h.links.save(link());
    const created = newJob(
      {
        id: 'create:f00dfeedcafe0001:0',
        kind: 'create',
        incidentId: 'f00dfeedcafe0001',
        fingerprint: 'f00dfeedcafe0001',
        payload: { count: 10, actor: 'stacklens' },
      },
      T0,
    );
    await h.outbox.put({ ...created, state: 'done' });
    const at = (seconds: number) => T0 + seconds * 1000;
    for (const [seconds, count] of [
      [10, 12],
      [30, 19],
      [70, 20],
      [100, 30],
      [200, 39],
      [1_000, 45],
      [1_070, 46],
    ] as const) {
      h.clock.now = at(seconds);
      h.stage.onIncidentChange(change('occurrences', incident({ count }), 1, at(seconds)));
      await h.stage.settle();
    }
    // 20 at 70 s doubles the create's 10 after more than a minute; 30 at 100 s is within a minute of that;
    // 39 is not double 20; 45 at 1,000 s comes 15 minutes after the last comment.
    const comments = h.outbox.ofKind('comment').map((job) => job.payload.count);
    expect(comments).toEqual([20, 45]);
    expect(h.outbox.ofKind('comment')[0]!.payload.sinceLast).toBe(10);
  });

  it('reopens a Done ticket when its incident regresses, or files anew, by configuration', async () => {
    const reopen = harness(jiraSettings({ onRegression: 'reopen' }));
    await reopen.links.save(link({ status: 'Done', statusCategory: 'done' }));
    reopen.stage.onIncidentChange(change('regressed', incident({ regressions: 1, count: 5 }), 1, T0));
    reopen.stage.onIncidentChange(change('occurrences', incident({ regressions: 1, count: 6 }), 1, T0 + 1));
    await reopen.stage.settle();
    expect(reopen.queued.map((job) => job.id)).toEqual(['reopen:f00dfeedcafe0001:1']);

    const anew = harness(jiraSettings({ onRegression: 'new' }));
    await anew.links.save(link({ status: 'Done', statusCategory: 'done' }));
    anew.stage.onIncidentChange(change('regressed', incident({ regressions: 1 }), 1, T0));
    await anew.stage.settle();
    expect(anew.queued.map((job) => job.id)).toEqual(['create:f00dfeedcafe0001:1']);
  });

  it('comments instead when the incident regresses while its ticket is still open', async () => {
    const h = harness();
    await h.links.save(link());
    h.stage.onIncidentChange(change('regressed', incident({ regressions: 1, count: 3 }), 1, T0));
    await h.stage.settle();
    expect(h.queued.map((job) => [job.kind, job.payload.reason])).toEqual([['comment', 'regression']]);
  });

  it('answers a manual request with the open ticket, the queued job, or a new job with the notes', async () => {
    const h = harness(jiraSettings({ autoCreate: false }));
    const first = await h.stage.requestTicket(incident(), 'please look', 'api');
    expect(first.status).toBe('queued');
    expect(first.status === 'queued' && first.job.payload).toMatchObject({ notes: 'please look', actor: 'api' });
    expect(h.audit[0]).toMatchObject({ stage: 'ticket.pending', actor: 'api' });
    const second = await h.stage.requestTicket(incident(), undefined, 'api');
    expect(second.status === 'queued' && second.job.id).toBe(first.status === 'queued' && first.job.id);
    await h.links.save(link());
    const third = await h.stage.requestTicket(incident(), undefined, 'api');
    expect(third).toMatchObject({ status: 'linked', ticket: { key: 'POS-1' } });
    expect(h.queued).toHaveLength(1);
  });

  it('waits briefly for the analysis before an automatic ticket, and survives a failing analyser', async () => {
    const h = harness(jiraSettings(), { analysisWaitMs: 1234 });
    const asked: number[] = [];
    h.context.analyses = {
      analysisFor: async (_id, timeoutMs) => {
        asked.push(timeoutMs);
        throw new Error('analyser broke');
      },
    };
    h.stage.onIncidentChange(change('created', incident(), 1, T0));
    await h.stage.settle();
    expect(asked).toEqual([1234]);
    expect(h.queued).toHaveLength(1);
    expect(h.errors.map((e) => e.what)).toEqual(['waiting for an analysis']);
  });

  it('files by severity and the analysis confidence when the rule asks (the design: CRITICAL always, HIGH > 0.75, MEDIUM > 0.9 and repeating), saying why', async () => {
    const policy = { mode: 'auto', afterOccurrences: 1, windowMinutes: 60, minConfidence: { HIGH: 0.75, MEDIUM: 0.9 } } as const;
    const analysed = (confidence: number | undefined) => {
      const h = harness();
      h.context.analyses = {
        analysisFor: async () =>
          confidence === undefined
            ? undefined
            : ({ confidence, analyser: 'offline' } as Awaited<ReturnType<NonNullable<typeof h.context.analyses>['analysisFor']>>),
      };
      return h;
    };
    const decide = async (severity: 'CRITICAL' | 'HIGH' | 'MEDIUM', confidence: number | undefined, count = 1) => {
      const h = analysed(confidence);
      h.stage.onIncidentChange(change('created', incident({ severity, count, ticketPolicy: policy }), count, T0));
      await h.stage.settle();
      return { filed: h.queued.length, audit: h.audit.map((entry) => `${entry.stage}: ${entry.detail}`) };
    };
    expect(await decide('CRITICAL', 0.1)).toMatchObject({
      filed: 1,
      audit: [
        expect.stringMatching(
          /^ticket.pending: create job queued: .*; CRITICAL files whatever the confidence \(the offline analysis has 0.10\)$/,
        ),
      ],
    });
    expect(await decide('HIGH', 0.8)).toMatchObject({
      filed: 1,
      audit: [expect.stringMatching(/^ticket.pending: create job queued: .*; the offline analysis has 0.80, above 0.75 for HIGH$/)],
    });
    expect(await decide('HIGH', 0.7)).toEqual({
      filed: 0,
      audit: [
        'ticket.skipped: rule pos-missing-price: no ticket for now, decided again at the next occurrence: HIGH needs confidence above 0.75; the offline analysis has 0.70',
      ],
    });
    expect(await decide('HIGH', undefined)).toMatchObject({ filed: 0, audit: [expect.stringContaining('none came in time')] });
    expect(await decide('MEDIUM', 0.95)).toMatchObject({ filed: 0, audit: [expect.stringContaining('needs the error to repeat')] });
    expect(await decide('MEDIUM', 0.95, 3)).toMatchObject({
      filed: 1,
      audit: [expect.stringContaining('the offline analysis has 0.95, above 0.9 for MEDIUM, and 3 occurrences')],
    });
    expect(await decide('MEDIUM', 0.85, 3)).toMatchObject({ filed: 0 });
  });

  it('learns of finished jobs from the worker and reports a failing store without throwing', async () => {
    const h = harness();
    h.stage.onIncidentChange(change('created', incident(), 1, T0));
    await h.stage.settle();
    const job = h.queued[0]!;
    h.stage.jobFinished({ ...job, state: 'done', result: 'POS-1' }, link());
    await h.links.save(link());
    h.outbox.put = async () => {
      throw new Error('store down');
    };
    h.clock.now = T0 + 3_600_000;
    h.stage.onIncidentChange(change('occurrences', incident({ count: 50 }), 49, h.clock.now));
    await h.stage.settle();
    expect(h.errors.map((e) => e.what)).toContain('ticket stage');
  });
});

describe('TicketStage: merges', () => {
  const survivor = incident({ id: 'a0a0a0a0a0a0a0a0', fingerprint: 'a0a0a0a0a0a0a0a0', count: 5 });
  const absorbed = incident({ id: 'b1b1b1b1b1b1b1b1', fingerprint: 'b1b1b1b1b1b1b1b1', count: 3 });
  const merge = { absorbed, survivor, actor: 'stacklens', at: T0 };

  it("moves the absorbed incident's ticket to the survivor, once, and files no second one", async () => {
    const h = harness();
    await h.links.save(link({ incidentId: absorbed.id, fingerprint: absorbed.fingerprint, key: 'POS-9' }));
    h.stage.onMerged(merge);
    await h.stage.merged(merge); // told twice (the tracker, then the merge route): nothing more
    expect(await h.links.get(survivor.fingerprint)).toMatchObject({ key: 'POS-9', incidentId: survivor.id });
    expect(h.audit.map((entry) => [entry.incidentId, entry.stage, entry.detail])).toEqual([
      [survivor.id, 'merged', `ticket POS-9 of incident ${absorbed.id} now stands for this one`],
    ]);
    h.stage.onIncidentChange(change('occurrences', { ...survivor, count: 6 }, 1, T0 + 1));
    await h.stage.settle();
    expect(h.outbox.ofKind('create')).toHaveLength(0);
  });

  it("keeps the survivor's own ticket when both have one, and says so", async () => {
    const h = harness();
    await h.links.save(link({ incidentId: absorbed.id, fingerprint: absorbed.fingerprint, key: 'POS-9' }));
    await h.links.save(link({ incidentId: survivor.id, fingerprint: survivor.fingerprint, key: 'POS-1' }));
    await h.stage.merged(merge);
    await h.stage.merged(merge);
    expect((await h.links.get(survivor.fingerprint))?.key).toBe('POS-1');
    expect(h.audit.map((entry) => entry.detail)).toEqual([
      `incident ${absorbed.id} had its own ticket POS-9; this one's POS-1 stands for both from now on`,
    ]);
  });

  it("cancels the absorbed incident's queued create job and queues the survivor's instead", async () => {
    const h = harness();
    h.stage.onIncidentChange(change('created', absorbed, 1, T0));
    await h.stage.settle();
    expect(h.queued.map((job) => job.id)).toEqual([`create:${absorbed.fingerprint}:0`]);
    await h.stage.merged(merge);
    expect((await h.outbox.get(`create:${absorbed.fingerprint}:0`))?.state).toBe('done');
    expect(h.queued.map((job) => job.id)).toEqual([`create:${absorbed.fingerprint}:0`, `create:${survivor.fingerprint}:0`]);
    expect(h.audit.map((entry) => [entry.incidentId, entry.stage])).toEqual([
      [absorbed.id, 'ticket.pending'],
      [absorbed.id, 'ticket.skipped'],
      [survivor.id, 'ticket.pending'],
    ]);
    // The worker looks the absorbed id up and finds the survivor.
    expect(h.stage.snapshot(absorbed.id)?.id).toBe(survivor.id);
  });
});
