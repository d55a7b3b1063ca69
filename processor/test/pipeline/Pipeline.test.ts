import { describe, expect, it } from 'vitest';
import { Detector } from '../../src/detect/Detector.ts';
import { RuleSetError } from '../../src/detect/RuleSetError.ts';
import { defaultRuleSet } from '../../src/detect/defaultRuleSet.ts';
import { parseRuleSet } from '../../src/detect/parseRuleSet.ts';
import { IncidentTracker } from '../../src/group/IncidentTracker.ts';
import { Pipeline } from '../../src/pipeline/Pipeline.ts';
import { createPipeline } from '../../src/pipeline/createPipeline.ts';
import { LiveEventBus } from '../../src/publish/LiveEventBus.ts';
import type { IncidentChange, IncidentStage, LiveEvent, PipelineRecord } from '../../src/types.ts';
import { InMemoryIncidentRepository } from '../support/InMemoryIncidentRepository.ts';
import { missingPrice, orderPlaced, paymentFailed, productNotFound, validationWarning } from '../support/posRecords.ts';

const T0 = 1_767_225_660_000;

/** What a ticket stage would do with the seam: count occurrences per incident against its auto policy. */
class AutoTicketPolicyProbe implements IncidentStage {
  readonly due: string[] = [];
  readonly changes: IncidentChange[] = [];
  readonly #seen = new Map<string, number>();

  onIncidentChange(change: IncidentChange): void {
    this.changes.push(change);
    const { incident } = change;
    const before = this.#seen.get(incident.id) ?? 0;
    const after = before + change.occurrences;
    this.#seen.set(incident.id, after);
    const policy = incident.ticketPolicy;
    if (policy.mode === 'auto' && before < policy.afterOccurrences && after >= policy.afterOccurrences) {
      this.due.push(incident.errorType);
    }
  }
}

function setup() {
  const repository = new InMemoryIncidentRepository();
  const bus = new LiveEventBus();
  const events: LiveEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const errors: unknown[] = [];
  const probe = new AutoTicketPolicyProbe();
  const pipeline = createPipeline({
    // No storm-guard hold: these tests look at what the stages hear right after consume().
    ruleSet: { ...defaultRuleSet(), storm: { holdSeconds: 0 } },
    repository,
    bus,
    clock: () => T0,
    stages: [probe],
    onError: (error) => errors.push(error),
    tracker: { flushIntervalMs: 3_600_000 },
  });
  return { repository, bus, events, errors, probe, pipeline };
}

describe('Pipeline', () => {
  it('runs stored POS records through detect → group → publish', async () => {
    const { pipeline, events, repository, probe } = setup();
    await pipeline.start();
    pipeline.consume([orderPlaced(), missingPrice(), validationWarning(), orderPlaced(), missingPrice({ storeId: 'STORE_002' })]);
    expect(events.map((event) => event.type)).toEqual(['incident.created', 'error.detected']);
    expect(events[0]).toMatchObject({
      seq: 1,
      incident: { errorType: 'MISSING_PRICE', count: 2, storeCounts: { STORE_001: 1, STORE_002: 1 } },
    });
    expect(pipeline.stats()).toEqual({ records: 5, detections: 2, failures: 0 });
    expect(probe.due).toEqual(['MISSING_PRICE']);
    await pipeline.close();
    expect(repository.occurrences).toHaveLength(2);
    expect(repository.latest().size).toBe(1);
  });

  it('lets a later stage apply the auto ticket policy from the changes it hears', async () => {
    const { pipeline, probe } = setup();
    await pipeline.start();
    for (let i = 0; i < 4; i++) pipeline.consume([productNotFound(1000 + i)]);
    expect(probe.due).toEqual([]);
    await pipeline.tracker.flush();
    pipeline.consume([productNotFound(2000)]);
    await pipeline.tracker.flush();
    expect(probe.due).toEqual(['PRODUCT_NOT_FOUND']); // auto after 5
    expect(probe.changes.reduce((sum, change) => sum + change.occurrences, 0)).toBe(5);
    await pipeline.close();
  });

  it('never throws into the caller', async () => {
    const { pipeline, errors } = setup();
    await pipeline.start();
    const poisoned = {
      ...missingPrice(),
      get LogAttributes(): Record<string, string> {
        throw new Error('broken row');
      },
    } as PipelineRecord;
    expect(() => pipeline.consume([poisoned])).not.toThrow();
    expect(errors.map((error) => (error as Error).message)).toEqual(['broken row']);
    expect(pipeline.stats().failures).toBe(1);

    const quiet = new Pipeline({
      detector: new Detector(defaultRuleSet()),
      tracker: new IncidentTracker({ repository: new InMemoryIncidentRepository(), publish: () => {} }),
      onError: () => {
        throw new Error('the reporter fails too');
      },
    });
    expect(() => quiet.consume([poisoned])).not.toThrow();
    await pipeline.close();
  });

  it('swaps rules at run time, keeping the old ones when the new ones are refused', async () => {
    const { pipeline, events } = setup();
    await pipeline.start();
    expect(() =>
      pipeline.setRuleSet({ rules: [{ id: 'x', match: { bodyRegex: '(' }, errorType: 'X', severity: 'LOW', ticket: { mode: 'never' } }] }),
    ).toThrow(RuleSetError);
    expect(pipeline.ruleSet.rules[0]?.id).toBe('pos-missing-price');
    pipeline.setRuleSet(
      parseRuleSet(
        'rules:\n  - { id: only-payments, match: { errorCode: PAYMENT_FAILED }, errorType: PAY, severity: LOW, ticket: { mode: never } }\n',
        'live',
      ),
    );
    pipeline.consume([missingPrice(), paymentFailed()]);
    expect(
      events
        .filter((event) => event.type === 'incident.created')
        .map((event) => event.type === 'incident.created' && event.incident.errorType),
    ).toEqual(['PAY']);
    await pipeline.close();
  });

  it('takes stages added later', async () => {
    const { pipeline } = setup();
    const kinds: string[] = [];
    pipeline.addStage({ onIncidentChange: (change) => kinds.push(change.kind) });
    await pipeline.start();
    pipeline.consume([missingPrice()]);
    const id = pipeline.tracker.list()[0]?.id as string;
    pipeline.tracker.acknowledge(id, 'api');
    expect(kinds).toEqual(['created', 'status']);
    await pipeline.close();
  });

  it("holds a new incident's analysis and ticket decision for the rules file's storm.holdSeconds", async () => {
    const clock = { now: T0 };
    const kinds: string[] = [];
    const pipeline = createPipeline({
      ruleSet: { ...defaultRuleSet(), storm: { holdSeconds: 1.5 } },
      repository: new InMemoryIncidentRepository(),
      bus: () => {},
      clock: () => clock.now,
      stages: [{ onIncidentChange: (change) => kinds.push(`${change.kind}:${change.occurrences}`) }],
      tracker: { flushIntervalMs: 3_600_000 },
    });
    await pipeline.start();
    pipeline.consume([missingPrice(), missingPrice()]);
    clock.now += 1_499;
    await pipeline.tracker.flush();
    expect(kinds).toEqual([]);
    clock.now += 1;
    await pipeline.tracker.flush();
    expect(kinds).toEqual(['created:2']);
    await pipeline.close();
  });

  it('publishes through a plain function and uses the real clock by default', async () => {
    const published: string[] = [];
    const pipeline = createPipeline({
      ruleSet: defaultRuleSet(),
      repository: new InMemoryIncidentRepository(),
      bus: (event) => published.push(event.type),
    });
    await pipeline.start();
    const before = Date.now();
    pipeline.consume([missingPrice()]);
    expect(published).toEqual(['incident.created', 'error.detected']);
    const [incident] = pipeline.tracker.list();
    expect(Date.parse(incident?.updatedAt ?? '')).toBeGreaterThanOrEqual(before);
    await pipeline.close();
  });
});
