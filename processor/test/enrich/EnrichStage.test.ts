import { afterEach, describe, expect, it } from 'vitest';
import { AnalyserError } from '../../src/enrich/Analyser.ts';
import { EnrichStage, type EnrichStageOptions } from '../../src/enrich/EnrichStage.ts';
import * as pos from '../support/posRecords.ts';
import { trackerHarness } from '../support/trackerHarness.ts';
import { incidentOf } from './support/incidents.ts';
import { held, InMemoryAnalysisStore, MODEL_FINDING, never, RecordingAuditLog, ScriptedModel } from './support/enrichDoubles.ts';

type Harness = ReturnType<typeof trackerHarness>;

let stages: EnrichStage[] = [];
afterEach(async () => {
  await Promise.all(stages.map((stage) => stage.close()));
  stages = [];
});

/** A running tracker with an enrich stage behind it, on the tracker's manual clock. */
async function enriched(options: Partial<EnrichStageOptions> = {}, harness: Harness = trackerHarness()) {
  const store = (options.store as InMemoryAnalysisStore | undefined) ?? new InMemoryAnalysisStore();
  const audit = new RecordingAuditLog();
  const errors: unknown[] = [];
  const stage = new EnrichStage({
    store,
    audit,
    publish: harness.bus,
    clock: () => harness.clock.now,
    onError: (error) => errors.push(error),
    ...options,
  });
  stages.push(stage);
  await harness.tracker.start();
  harness.tracker.addStage(stage);
  const settle = async (): Promise<void> => {
    while (stage.stats().running > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  /** Records, lets the tracker announce what it held back (as its tick would), and waits for the analyses. */
  const step = async (...records: Parameters<Harness['record']>): Promise<void> => {
    harness.record(...records);
    await harness.tracker.flush();
    await settle();
  };
  return { harness, stage, store, audit, errors, settle, step };
}

describe('EnrichStage: one analysis per fingerprint', () => {
  it('analyses a new incident offline, stores it, audits it and publishes ai.completed with the incident', async () => {
    const { harness, stage, store, audit, settle } = await enriched();
    harness.record(pos.missingPrice());
    await settle();
    const [incident] = harness.tracker.list();
    const [event] = harness.ofType('ai.completed');
    expect(event!.incident).toMatchObject({ id: incident!.id, errorType: 'MISSING_PRICE', count: 1 });
    expect(event!.analysis).toMatchObject({
      incidentId: incident!.id,
      fingerprint: incident!.fingerprint,
      analyser: 'offline',
      model: expect.stringMatching(/^offline-kb-/),
      category: 'data',
      similarIncidents: [],
    });
    expect(event!.analysis.fallbackReason).toBeUndefined();
    expect(store.saved).toEqual([event!.analysis]);
    expect(audit.stagesOf(incident!.id)).toEqual(['ai.pending', 'ai.completed']);
    expect(audit.entries[0]!.detail).toBe('new incident: answering offline (offline-kb-2026.11)');
    expect(audit.entries[1]!.detail).toMatch(/^by offline \(offline-kb-2026\.11\): data, confidence 0\.90, \d+ ms$/);
    expect(await stage.analysisFor(incident!.id, 1_000)).toEqual(event!.analysis);
  });

  it('answers a storm of one error from the cache: one analysis, one event', async () => {
    const { harness, stage, settle } = await enriched();
    harness.record(pos.missingPrice());
    for (let batch = 0; batch < 50; batch++) {
      harness.advance(300);
      harness.record(...Array.from({ length: 20 }, () => pos.missingPrice()));
      await harness.tracker.flush();
    }
    await settle();
    expect(harness.tracker.list()[0]!.count).toBe(1001);
    expect(stage.stats()).toMatchObject({ analyses: 1, fromStore: 0 });
    expect(stage.stats().changes).toBeGreaterThan(1);
    expect(harness.ofType('ai.completed')).toHaveLength(1);
  });

  it('refreshes the analysis after a regression and after a spread to many more stores', async () => {
    const { harness, stage, audit, step } = await enriched();
    await step(pos.missingPrice({ storeId: 'STORE_001' }));
    const id = harness.tracker.list()[0]!.id;
    harness.tracker.resolve(id, 'api');
    harness.advance(1_000);
    await step(pos.missingPrice({ storeId: 'STORE_001' }));
    expect(stage.stats().analyses).toBe(2);
    expect(audit.entries.filter((entry) => entry.stage === 'ai.pending').at(-1)!.detail).toMatch(/^regression #1: /);
    // One store more is no big change; four stores (twice as many and three more) is.
    await step(pos.missingPrice({ storeId: 'STORE_002' }));
    expect(stage.stats().analyses).toBe(2);
    await step(pos.missingPrice({ storeId: 'STORE_003' }), pos.missingPrice({ storeId: 'STORE_004' }));
    expect(stage.stats().analyses).toBe(3);
    expect(audit.entries.filter((entry) => entry.stage === 'ai.pending').at(-1)!.detail).toMatch(/^spread from 1 to 4 stores: /);
    expect(harness.ofType('ai.completed')).toHaveLength(3);
  });

  it('after a restart, takes the stored analysis of a known incident instead of analysing again', async () => {
    const store = new InMemoryAnalysisStore();
    const first = await enriched({ store });
    first.harness.record(pos.missingPrice());
    await first.settle();
    await first.harness.tracker.flush();

    const second = await enriched({ store }, trackerHarness({ repository: first.harness.repository }));
    second.harness.record(pos.missingPrice());
    await second.settle();
    expect(second.stage.stats()).toMatchObject({ analyses: 0, fromStore: 1 });
    expect(second.harness.ofType('ai.completed')).toHaveLength(0);
    expect(await second.stage.analysisFor(store.saved[0]!.incidentId, 100)).toEqual(store.saved[0]);
  });
});

describe('EnrichStage with a model', () => {
  it('takes the model answer when it comes in time', async () => {
    const model = new ScriptedModel();
    const { harness, audit, settle } = await enriched({ settings: { model } });
    harness.record(pos.missingPrice());
    await settle();
    const [event] = harness.ofType('ai.completed');
    expect(event!.analysis).toMatchObject({ analyser: 'openai', model: 'scripted-model', ...MODEL_FINDING });
    expect(model.requests[0]!.incident.errorType).toBe('MISSING_PRICE');
    expect(audit.entries[0]!.detail).toBe('new incident: asking openai model scripted-model (time-out 15000 ms)');
  });

  it('answers offline when the model does not answer within the time-out, and says so', async () => {
    const model = new ScriptedModel().then(never);
    const { harness, audit, settle } = await enriched({ settings: { model, timeoutMs: 50 } });
    harness.record(pos.missingPrice());
    await settle();
    const [event] = harness.ofType('ai.completed');
    expect(event!.analysis).toMatchObject({ analyser: 'offline', fallbackReason: 'no answer within 50 ms', category: 'data' });
    expect(model.signals[0]!.aborted).toBe(true);
    const trail = audit.entries;
    expect(trail.map((entry) => entry.stage)).toEqual(['ai.pending', 'ai.failed', 'ai.completed']);
    expect(trail[1]!.detail).toBe('openai model scripted-model: no answer within 50 ms; the offline analyser answers instead');
    expect(trail[2]!.detail).toMatch(/fallback because no answer within 50 ms$/);
    expect(trail[0]!.at).toBeLessThan(trail[1]!.at);
    expect(trail[1]!.at).toBeLessThan(trail[2]!.at);
  });

  it('asks the model again after a transient failure, once retryAfterMs has passed; not after a malformed answer', async () => {
    const model = new ScriptedModel()
      .then(async () => {
        throw new AnalyserError('unavailable', 'the endpoint failed (HTTP 500)');
      })
      .then(async () => {
        throw new AnalyserError('malformed', 'the answer is not JSON');
      });
    const { harness, stage, step } = await enriched({ settings: { model }, retryAfterMs: 60_000 });
    await step(pos.missingPrice());
    expect(harness.ofType('ai.completed')[0]!.analysis.fallbackReason).toBe('the endpoint failed (HTTP 500)');
    harness.advance(30_000);
    await step(pos.missingPrice());
    expect(model.requests).toHaveLength(1);
    harness.advance(31_000);
    await step(pos.missingPrice());
    expect(model.requests).toHaveLength(2);
    expect(harness.ofType('ai.completed')[1]!.analysis.fallbackReason).toBe('the answer is not JSON');
    harness.advance(120_000);
    await step(pos.missingPrice());
    expect(model.requests).toHaveLength(2);
    expect(stage.stats()).toMatchObject({ analyses: 2, fallbacks: 2, modelAnswers: 0 });
  });

  it('keeps to the rate limit per minute: beyond it the offline analyser answers', async () => {
    const model = new ScriptedModel();
    const { harness, stage, settle } = await enriched({ settings: { model, ratePerMinute: 1 } });
    harness.record(pos.missingPrice(), pos.productNotFound());
    await settle();
    const analyses = harness.ofType('ai.completed').map((event) => event.analysis);
    expect(analyses.map((analysis) => analysis.analyser).sort()).toEqual(['offline', 'openai']);
    expect(analyses.find((analysis) => analysis.analyser === 'offline')!.fallbackReason).toBe(
      'rate limit of 1 model calls per minute reached',
    );
    expect(stage.modelCalls).toBe(1);
    harness.advance(60_001);
    harness.record(pos.inventoryShortage());
    await settle();
    expect(harness.ofType('ai.completed').at(-1)!.analysis.analyser).toBe('openai');
  });

  it('keeps to the concurrency limit: a second call waits for the first', async () => {
    const first = held();
    const model = new ScriptedModel().then(first.behaviour);
    const { harness, stage, settle } = await enriched({ settings: { model, maxConcurrent: 1 } });
    harness.record(pos.missingPrice(), pos.productNotFound());
    await first.started;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(model.requests).toHaveLength(1);
    first.release();
    await settle();
    expect(model.requests).toHaveLength(2);
    expect(stage.stats()).toMatchObject({ analyses: 2, modelAnswers: 2 });
  });

  it('lets the ticket stage wait for an analysis in progress, within its own time-out', async () => {
    const slow = held();
    const model = new ScriptedModel().then(slow.behaviour);
    const { harness, stage, settle } = await enriched({ settings: { model } });
    harness.record(pos.missingPrice());
    const id = harness.tracker.list()[0]!.id;
    await slow.started;
    expect(await stage.analysisFor(id, 20)).toBeUndefined();
    const waiting = stage.analysisFor(id, 10_000);
    slow.release();
    expect(await waiting).toMatchObject({ analyser: 'openai', incidentId: id });
    await settle();
    expect(await stage.analysisFor('no-such-incident', 50)).toBeUndefined();
  });

  it('on close, abandons the model calls in progress and stores the offline answers', async () => {
    const model = new ScriptedModel().then(never);
    const { harness, stage, store } = await enriched({ settings: { model } });
    harness.record(pos.missingPrice());
    await new Promise((resolve) => setTimeout(resolve, 10));
    await stage.close();
    expect(store.saved).toHaveLength(1);
    expect(store.saved[0]).toMatchObject({ analyser: 'offline', fallbackReason: 'the receiver closed before the model answered' });
    harness.record(pos.productNotFound());
    expect(stage.stats().running).toBe(0);
  });

  it('takes new settings at once, and refuses bad limits', async () => {
    const { harness, stage, settle } = await enriched();
    expect(() => stage.configure({ maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => stage.configure({ ratePerMinute: 1.5 })).toThrow(RangeError);
    expect(() => stage.configure({ timeoutMs: -1 })).toThrow(RangeError);
    const model = new ScriptedModel();
    stage.configure({ model, timeoutMs: 2_000 });
    expect(stage.settings).toMatchObject({ timeoutMs: 2_000, maxConcurrent: 4, ratePerMinute: 30 });
    harness.record(pos.missingPrice());
    await settle();
    expect(harness.ofType('ai.completed')[0]!.analysis.analyser).toBe('openai');
    stage.configure({ model: undefined });
    harness.record(pos.productNotFound());
    await settle();
    expect(harness.ofType('ai.completed')[1]!.analysis.analyser).toBe('offline');
  });
});

describe('EnrichStage when its ports fail', () => {
  it('still publishes and serves the analysis when the store is down, and reports the failure', async () => {
    const store = new InMemoryAnalysisStore();
    store.failing = true;
    const { harness, stage, errors, settle } = await enriched({ store });
    harness.record(pos.missingPrice());
    await settle();
    expect(harness.ofType('ai.completed')).toHaveLength(1);
    expect(errors.map(String)).toContain('Error: analysis store is down');
    const id = harness.tracker.list()[0]!.id;
    expect((await stage.analyses([id])).get(id)?.category).toBe('data');
  });

  it('goes on without similar incidents when their lookup fails or is slow', async () => {
    let calls = 0;
    const { harness, errors, settle } = await enriched({
      similarTimeoutMs: 30,
      similar: {
        findSimilar: async () => {
          calls++;
          if (calls === 1) throw new Error('similar lookup failed');
          return new Promise(() => {});
        },
      },
    });
    harness.record(pos.missingPrice(), pos.productNotFound());
    await settle();
    expect(harness.ofType('ai.completed').map((event) => event.analysis.similarIncidents)).toEqual([[], []]);
    expect(errors.map(String)).toEqual(['Error: similar lookup failed']);
  });

  it('passes similar incidents to the analysis, without their internals', async () => {
    const { harness, settle } = await enriched({
      similar: {
        findSimilar: async () => [
          {
            incidentId: 'old',
            errorType: 'MISSING_PRICE',
            title: 'Product <n> has no price',
            status: 'resolved',
            ticketKey: 'POS-1',
            fixes: [],
          },
        ],
      },
    });
    harness.record(pos.missingPrice());
    await settle();
    expect(harness.ofType('ai.completed')[0]!.analysis.similarIncidents).toEqual([
      { incidentId: 'old', errorType: 'MISSING_PRICE', title: 'Product <n> has no price', status: 'resolved', ticketKey: 'POS-1' },
    ]);
  });
});

describe('EnrichStage: merges', () => {
  it("lets the absorbed incident's analysis stand for a survivor that has none, and keeps a survivor's own", async () => {
    const { harness, stage, store, audit, settle } = await enriched();
    harness.record(pos.missingPrice());
    await settle();
    const [absorbed] = harness.tracker.list();
    const survivor = { ...absorbed!, id: 'a0a0a0a0a0a0a0a0', fingerprint: 'a0a0a0a0a0a0a0a0', count: 4 };
    stage.onMerged({ absorbed: absorbed!, survivor, actor: 'stacklens', at: harness.clock.now });
    await settle();
    const adopted = await stage.analysisFor(survivor.id, 1_000);
    expect(adopted).toMatchObject({ incidentId: survivor.id, fingerprint: survivor.fingerprint, category: 'data' });
    expect(store.saved.at(-1)).toEqual(adopted);
    expect(audit.stagesOf(survivor.id)).toEqual(['merged']);
    expect(audit.entries.at(-1)?.detail).toMatch(new RegExp(`^the analysis of incident ${absorbed!.id} \\(data, confidence 0\\.90\\)`));
    expect(harness.ofType('ai.completed').at(-1)?.incident.id).toBe(survivor.id);
    // Its later changes are answered from the adopted analysis: no new one.
    const analyses = stage.stats().analyses;
    stage.onIncidentChange({ kind: 'occurrences', incident: { ...survivor, count: 5 }, occurrences: 1, at: harness.clock.now });
    await settle();
    expect(stage.stats().analyses).toBe(analyses);

    // A survivor with its own stored analysis keeps it.
    const other = { ...survivor, id: 'c2c2c2c2c2c2c2c2', fingerprint: 'c2c2c2c2c2c2c2c2' };
    await store.save([{ ...adopted!, incidentId: other.id, fingerprint: other.fingerprint, category: 'code' }]);
    stage.onMerged({ absorbed: survivor, survivor: other, actor: 'api', at: harness.clock.now });
    await settle();
    expect((await stage.analysisFor(other.id, 1_000))?.category).toBe('code');
    expect(audit.stagesOf(other.id)).toEqual([]);
  });

  it('analyses a survivor known only through a merge when it is created and nothing was adopted', async () => {
    const { stage, settle } = await enriched();
    const survivor = await incidentOf(pos.missingPrice());
    const absorbed = { ...survivor, id: 'b1b1b1b1b1b1b1b1', fingerprint: 'b1b1b1b1b1b1b1b1' };
    stage.onMerged({ absorbed, survivor, actor: 'stacklens', at: Date.now() });
    await settle();
    expect(await stage.analysisFor(survivor.id, 0)).toBeUndefined();
    stage.onIncidentChange({ kind: 'created', incident: survivor, occurrences: 1, at: Date.now() });
    await settle();
    expect(stage.stats().analyses).toBe(1);
  });
});
