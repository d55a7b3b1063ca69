import { describe, expect, it } from 'vitest';
import { StormGuard } from '../../src/group/StormGuard.ts';
import type { PipelineRecord } from '../../src/types.ts';
import { missingPrice } from '../support/posRecords.ts';
import { trackerHarness } from '../support/trackerHarness.ts';

function missingPriceOf(productId: number, service?: string): PipelineRecord {
  const record = missingPrice(service === undefined ? {} : { service });
  return {
    ...record,
    Body: `Product ${productId} has no price`,
    LogAttributes: { ...record.LogAttributes, 'product.id': String(productId) },
  };
}

describe('StormGuard', () => {
  it('allows maxNewIncidents per rule and service in the window, then keeps one storm until a quiet window', () => {
    const guard = new StormGuard({ maxNewIncidents: 2, windowMs: 1_000 });
    expect(guard.decide('r', 's', 0)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 's', 10)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 'other', 20)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 's', 30)).toEqual({ kind: 'start', newIncidents: 3 });
    guard.started('r', 's', 'storm-1', 30);
    expect(guard.decide('r', 's', 900)).toEqual({ kind: 'storm', stormId: 'storm-1' });
    expect(guard.absorbed('r', 's')).toBe(2);
    expect(guard.decide('r', 's', 1_800)).toEqual({ kind: 'storm', stormId: 'storm-1' });
    // A whole window without a new incident: over.
    expect(guard.decide('r', 's', 2_900)).toEqual({ kind: 'create' });
    expect(guard.absorbed('r', 's')).toBe(0);
    // Old creations leave the window.
    expect(guard.decide('r', 's', 5_000)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 's', 5_001)).toEqual({ kind: 'create' });
  });

  it('refuses limits out of range', () => {
    expect(() => new StormGuard({ maxNewIncidents: 0 })).toThrow(RangeError);
    expect(() => new StormGuard({ windowMs: 0 })).toThrow(RangeError);
  });
});

describe('IncidentTracker: the storm guard', () => {
  it('turns 200 distinct new fingerprints of one rule in a minute into the first 10 incidents and one storm incident: one analysis and one ticket for the storm', async () => {
    const h = trackerHarness();
    await h.tracker.start();
    for (let i = 0; i < 200; i++) {
      h.record(missingPriceOf(1_000 + i));
      h.advance(250); // 200 in 50 s
    }
    await h.tracker.flush();

    const incidents = h.tracker.list();
    expect(incidents).toHaveLength(11);
    const storm = incidents.find((incident) => incident.title.startsWith('Storm:'));
    expect(storm?.title).toBe(
      'Storm: more than 10 new incidents of rule pos-missing-price in demo-pos within 60 s (first: Product <num> has no price)',
    );
    expect(storm?.count).toBe(190);
    expect(storm?.severity).toBe('CRITICAL');
    // Each `created` change is one analysis and, for this auto-ticket rule, one ticket: 10 before the storm, 1 for it.
    expect(h.changes.filter((change) => change.kind === 'created')).toHaveLength(11);
    const stormEvents = h.ofType('storm');
    expect(stormEvents).toHaveLength(1);
    expect(stormEvents[0]).toMatchObject({ ruleId: 'pos-missing-price', service: 'demo-pos', newIncidents: 11, windowSeconds: 60 });
    expect(h.repository.audit.filter((entry) => entry.detail.startsWith('storm:'))).toHaveLength(1);
    // The storm's fingerprints resolve to it: a repeat of one goes into the storm, not into a new incident.
    h.record(missingPriceOf(1_150));
    expect(h.tracker.list()).toHaveLength(11);
    expect(h.tracker.get(storm?.id ?? '')?.count).toBe(191);
  });

  it('keeps rules and services apart, and lets a storm end after a quiet window', async () => {
    const h = trackerHarness({ storm: { maxNewIncidents: 2, windowMs: 10_000 } });
    await h.tracker.start();
    h.record(missingPriceOf(1), missingPriceOf(2), missingPriceOf(3), missingPriceOf(4));
    h.record(missingPriceOf(5, 'kiosk-ui'));
    expect(h.tracker.list()).toHaveLength(4); // 2 + the storm of demo-pos, 1 of kiosk-ui
    h.advance(20_000);
    h.record(missingPriceOf(6));
    expect(h.tracker.list()).toHaveLength(5);
    expect(h.ofType('storm')).toHaveLength(1);
  });
});
