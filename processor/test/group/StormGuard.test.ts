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
    expect(guard.decide('r', 's', 'a', 0)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 's', 'b', 10)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 'other', 'c', 20)).toEqual({ kind: 'create' });
    // The incidents made in the window are named: the caller groups them under the storm.
    expect(guard.decide('r', 's', 'd', 30)).toEqual({ kind: 'start', newIncidents: 3, members: ['a', 'b'] });
    guard.started('r', 's', 'storm-1', 30);
    expect(guard.decide('r', 's', 'e', 900)).toEqual({ kind: 'storm', stormId: 'storm-1' });
    expect(guard.absorbed('r', 's')).toBe(2);
    expect(guard.decide('r', 's', 'f', 1_800)).toEqual({ kind: 'storm', stormId: 'storm-1' });
    // A whole window without a new incident: over.
    expect(guard.decide('r', 's', 'g', 2_900)).toEqual({ kind: 'create' });
    expect(guard.absorbed('r', 's')).toBe(0);
    // Old creations leave the window.
    expect(guard.decide('r', 's', 'h', 5_000)).toEqual({ kind: 'create' });
    expect(guard.decide('r', 's', 'i', 5_001)).toEqual({ kind: 'create' });
  });

  it('refuses limits out of range', () => {
    expect(() => new StormGuard({ maxNewIncidents: 0 })).toThrow(RangeError);
    expect(() => new StormGuard({ windowMs: 0 })).toThrow(RangeError);
    expect(() => new StormGuard({ holdMs: -1 })).toThrow(RangeError);
    expect(new StormGuard().options.holdMs).toBe(5_000);
  });
});

describe('IncidentTracker: the storm guard', () => {
  it('turns 200 distinct new fingerprints of one rule in a minute into one storm: the held first 10 grouped under it, one created change (one analysis, one ticket)', async () => {
    const h = trackerHarness({ storm: { holdMs: 5_000 } });
    await h.tracker.start();
    for (let i = 0; i < 200; i++) {
      h.record(missingPriceOf(1_000 + i));
      h.advance(250); // 200 in 50 s
      await h.tracker.flush(); // the hold ends where it is due, as at each tick
    }

    const incidents = h.tracker.list();
    expect(incidents).toHaveLength(11);
    const storm = incidents.find((incident) => incident.stormSize !== undefined)!;
    expect(storm.title).toBe('Storm: 200 new incidents of rule pos-missing-price in demo-pos (e.g. Product <num> has no price)');
    expect(storm.count).toBe(190);
    expect(storm.severity).toBe('CRITICAL');
    expect(storm.example).toBe('Product 1010 has no price');
    const members = incidents.filter((incident) => incident !== storm);
    expect(members.map((incident) => incident.stormId)).toEqual(Array(10).fill(storm.id));
    // The 11th new incident came 2.5 s after the first, within the hold: the stages heard of the storm only.
    expect(h.changes.filter((change) => change.kind === 'created').map((change) => change.incident.id)).toEqual([storm.id]);
    expect(h.changes.every((change) => change.incident.id === storm.id)).toBe(true);
    const stormEvents = h.ofType('storm');
    expect(stormEvents).toHaveLength(1);
    expect(stormEvents[0]).toMatchObject({ ruleId: 'pos-missing-price', service: 'demo-pos', newIncidents: 11, windowSeconds: 60 });
    expect(h.repository.audit.filter((entry) => entry.detail.startsWith('storm:'))).toHaveLength(1);
    const grouped = h.repository.audit.filter((entry) => entry.stage === 'storm');
    expect(grouped).toHaveLength(11);
    expect(grouped.find((entry) => entry.incidentId === storm.id)?.detail).toMatch(
      /^grouped 10 incidents made before the storm was recognised under this one; analysis and ticket folded into this one's: /,
    );
    expect(grouped.find((entry) => entry.incidentId === members[0]?.id)?.detail).toContain('none of its own was made');
    // The storm's fingerprints resolve to it: a repeat of one goes into the storm, not into a new incident.
    h.record(missingPriceOf(1_150));
    expect(h.tracker.list()).toHaveLength(11);
    expect(h.tracker.get(storm.id)?.count).toBe(191);
    // A member's own repeats count on it, and the stages still hear only of the storm.
    h.record(missingPriceOf(1_000));
    h.advance(10_000);
    await h.tracker.flush();
    expect(h.tracker.get(members.at(-1)!.id)?.count).toBe(2);
    expect(h.changes.every((change) => change.incident.id === storm.id)).toBe(true);
  });

  it('without a hold, the incidents made before the storm keep their analyses and tickets and are grouped under it all the same', async () => {
    const h = trackerHarness({ storm: { holdMs: 0 } });
    await h.tracker.start();
    for (let i = 0; i < 200; i++) {
      h.record(missingPriceOf(1_000 + i));
      h.advance(250);
    }
    await h.tracker.flush();
    const incidents = h.tracker.list();
    expect(incidents).toHaveLength(11);
    const storm = incidents.find((incident) => incident.stormSize !== undefined)!;
    expect(h.changes.filter((change) => change.kind === 'created')).toHaveLength(11);
    expect(incidents.filter((incident) => incident.stormId === storm.id)).toHaveLength(10);
    expect(h.repository.audit.find((entry) => entry.incidentId === storm.id && entry.stage === 'storm')?.detail).toMatch(
      /; already analysed and ticket decided: /,
    );
  });

  it('holds a lone new incident for the hold, then tells the stages with the occurrences it had meanwhile', async () => {
    const h = trackerHarness({ storm: { holdMs: 5_000 } });
    await h.tracker.start();
    h.record(missingPriceOf(1));
    expect(h.ofType('incident.created')).toHaveLength(1); // the live page sees it at once
    h.advance(1_000);
    h.record(missingPriceOf(1), missingPriceOf(1));
    await h.tracker.flush();
    expect(h.changes).toHaveLength(0);
    h.advance(4_000);
    await h.tracker.flush();
    expect(h.changes.map((change) => [change.kind, change.occurrences])).toEqual([['created', 3]]);
    h.record(missingPriceOf(1));
    expect(h.changes.map((change) => change.kind)).toEqual(['created', 'occurrences']);
    // close() decides what is still held.
    h.record(missingPriceOf(2));
    await h.tracker.close();
    expect(h.changes.map((change) => change.kind)).toEqual(['created', 'occurrences', 'created']);
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
