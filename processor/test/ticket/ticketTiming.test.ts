import { describe, expect, it } from 'vitest';
import { shouldComment } from '../../src/ticket/commentThrottle.ts';
import { OccurrenceWindow } from '../../src/ticket/OccurrenceWindow.ts';
import { backoffMs } from '../../src/ticket/retryDelay.ts';

describe('occurrence window', () => {
  it('counts only the occurrences within the window', () => {
    const window = new OccurrenceWindow();
    window.add(0, 2);
    window.add(5 * 60_000, 2);
    window.add(9 * 60_000, 1);
    window.add(9 * 60_000, 0);
    expect(window.count(9 * 60_000, 10 * 60_000)).toBe(5);
    expect(window.count(12 * 60_000, 10 * 60_000)).toBe(3);
  });

  it('keeps a long storm short without losing a count', () => {
    const window = new OccurrenceWindow();
    for (let i = 0; i < 10_000; i += 1) window.add(i, 1);
    expect(window.count(10_000, 60_000)).toBe(10_000);
  });
});

describe('comment throttle', () => {
  const options = { intervalMs: 15 * 60_000, doublingGapMs: 60_000 };

  it('comments once the interval has passed and the count grew', () => {
    expect(shouldComment(15 * 60_000, 11, { at: 0, count: 10 }, options)).toBe(true);
    expect(shouldComment(15 * 60_000, 10, { at: 0, count: 10 }, options)).toBe(false);
    expect(shouldComment(14 * 60_000, 11, { at: 0, count: 10 }, options)).toBe(false);
  });

  it('comments sooner when the count doubled, but not within the gap', () => {
    expect(shouldComment(61_000, 20, { at: 0, count: 10 }, options)).toBe(true);
    expect(shouldComment(30_000, 20, { at: 0, count: 10 }, options)).toBe(false);
    expect(shouldComment(61_000, 19, { at: 0, count: 10 }, options)).toBe(false);
  });
});

describe('back-off', () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt, with half of it random, up to the ceiling', () => {
    expect(backoffMs(1, options, () => 0)).toBe(500);
    expect(backoffMs(1, options, () => 1)).toBe(1_000);
    expect(backoffMs(4, options, () => 0)).toBe(4_000);
    expect(backoffMs(4, options, () => 1)).toBe(8_000);
    expect(backoffMs(30, options, () => 1)).toBe(60_000);
  });
});
