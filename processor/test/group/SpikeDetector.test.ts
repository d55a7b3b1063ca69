import { describe, expect, it } from 'vitest';
import { SpikeDetector } from '../../src/group/SpikeDetector.ts';
import { missingPrice } from '../support/posRecords.ts';
import { T0, trackerHarness } from '../support/trackerHarness.ts';

const MINUTE = 60_000;
/** The start of a minute, so the sliding window's weights are easy to follow. */
const M0 = Math.floor(T0 / MINUTE) * MINUTE;

/** `perMinute` occurrences in each of `minutes` minutes from `start`, in the middle of each. */
function feed(detector: SpikeDetector, key: string, start: number, minutes: number, perMinute: number) {
  const spikes = [];
  for (let m = 0; m < minutes; m++) {
    const spike = detector.observe(key, perMinute, start + m * MINUTE + 30_000);
    if (spike) spikes.push(spike);
  }
  return spikes;
}

describe('SpikeDetector', () => {
  it('raises a spike when the rate is well above the baseline, once, then cools down', () => {
    const detector = new SpikeDetector();
    expect(feed(detector, 'a', M0, 10, 2)).toEqual([]);
    expect(detector.baselineOf('a')).toBeCloseTo(2);

    const spike = detector.observe('a', 40, M0 + 10 * MINUTE + 10_000);
    // 40 now + the previous minute's 2 weighted by the 5/6 of it still inside the last 60 s.
    expect(spike).toEqual({ ratePerMinute: 42, baselinePerMinute: 2 });
    // Still storming in the next minutes: within the 15-minute cooldown, no second spike.
    expect(feed(detector, 'a', M0 + 11 * MINUTE, 5, 200)).toEqual([]);
    // Quiet again until long after the cooldown, then a new storm is a new spike.
    expect(feed(detector, 'a', M0 + 16 * MINUTE, 30, 1)).toEqual([]);
    expect(detector.observe('a', 100, M0 + 46 * MINUTE + 30_000)).toBeDefined();
  });

  it('needs both the factor and the minimum rate', () => {
    const quiet = new SpikeDetector();
    feed(quiet, 'q', M0, 10, 1);
    // 10× the baseline but under 20 a minute: not a spike.
    expect(quiet.observe('q', 10, M0 + 10 * MINUTE)).toBeUndefined();

    const busy = new SpikeDetector();
    feed(busy, 'b', M0, 10, 100);
    // 300 a minute is well over 20, but only 3× the usual 100.
    expect(busy.observe('b', 300, M0 + 10 * MINUTE)).toBeUndefined();
    expect(busy.observe('b', 300, M0 + 10 * MINUTE + 1)).toBeDefined(); // 600 > 5 × 100
  });

  it('does not call a brand-new error a spike: it warms up first', () => {
    const detector = new SpikeDetector();
    expect(detector.observe('new', 1000, M0)).toBeUndefined();
    expect(feed(detector, 'new', M0 + MINUTE, 3, 1000)).toEqual([]);
  });

  it('lets the baseline decay through quiet minutes, so a rare error that storms is a spike', () => {
    const detector = new SpikeDetector({ warmupMinutes: 2 });
    detector.observe('rare', 30, M0);
    detector.observe('rare', 30, M0 + MINUTE);
    const before = detector.baselineOf('rare') as number;
    const spike = detector.observe('rare', 30, M0 + 30 * MINUTE);
    expect(detector.baselineOf('rare')).toBeLessThan(before / 50);
    expect(spike).toBeDefined();
  });

  it('keeps fingerprints apart', () => {
    const detector = new SpikeDetector({ warmupMinutes: 0 });
    expect(detector.observe('x', 25, M0)).toBeDefined();
    expect(detector.observe('y', 5, M0)).toBeUndefined();
    expect(detector.baselineOf('z')).toBeUndefined();
  });

  it('refuses an alpha outside (0, 1]', () => {
    expect(() => new SpikeDetector({ alpha: 0 })).toThrow(RangeError);
    expect(() => new SpikeDetector({ alpha: 1.5 })).toThrow(RangeError);
  });
});

describe('spikes in the tracker', () => {
  it('raises one spike event and audit entry for a storm over a steady baseline', async () => {
    const h = trackerHarness({ spike: { warmupMinutes: 5, cooldownMinutes: 15 } });
    h.clock.now = M0;
    await h.tracker.start();
    for (let minute = 0; minute < 8; minute++) {
      h.record(missingPrice(), missingPrice());
      h.advance(MINUTE);
      await h.tracker.flush();
    }
    expect(h.ofType('spike')).toHaveLength(0);

    for (let second = 0; second < 50; second++) {
      h.record(missingPrice(), missingPrice(), missingPrice());
      h.advance(1000);
    }
    await h.tracker.flush();
    const spikes = h.ofType('spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]?.ratePerMinute).toBeGreaterThanOrEqual(20);
    expect(spikes[0]?.baselinePerMinute).toBeCloseTo(2, 0);
    expect(spikes[0]?.incident.errorType).toBe('MISSING_PRICE');
    const audit = h.repository.audit.filter((entry) => entry.stage === 'spike');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatch(/^\d+\/min against a baseline of [\d.]+\/min$/);
    expect(h.changes.filter((change) => change.kind === 'spike')).toHaveLength(1);
  });
});
