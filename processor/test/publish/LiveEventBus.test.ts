import { describe, expect, it } from 'vitest';
import { LiveEventBus } from '../../src/publish/LiveEventBus.ts';
import { matchesFilter } from '../../src/publish/matchesFilter.ts';
import type { IncidentSummary, LiveEvent, UnsequencedLiveEvent } from '../../src/types.ts';

function summary(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: '0123456789abcdef',
    fingerprint: '0123456789abcdef',
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    severity: 'CRITICAL',
    title: 'Product <n> (Mystery Product) has no price',
    status: 'open',
    count: 3,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:01:00.000Z',
    storeCounts: { STORE_001: 2, STORE_002: 1 },
    kioskCounts: { KIOSK_001: 3 },
    regressions: 0,
    ...overrides,
  };
}

function detected(overrides: Partial<Extract<LiveEvent, { type: 'error.detected' }>> = {}): UnsequencedLiveEvent {
  return {
    type: 'error.detected',
    at: 1,
    incidentId: '0123456789abcdef',
    errorType: 'PAYMENT_FAILED',
    severity: 'HIGH',
    service: 'demo-pos',
    storeId: 'STORE_004',
    kioskId: 'KIOSK_002',
    traceId: 'ab'.repeat(16),
    body: 'Payment gateway declined the payment',
    occurrences: 1,
    ...overrides,
  };
}

describe('LiveEventBus', () => {
  it('numbers events and delivers them synchronously in subscription order', () => {
    const bus = new LiveEventBus();
    const seen: string[] = [];
    bus.subscribe((event) => seen.push(`a${event.seq}`));
    bus.subscribe((event) => seen.push(`b${event.seq}`));
    const first = bus.publish(detected());
    bus.publish({ type: 'incident.created', at: 2, incident: summary() });
    expect(first.seq).toBe(1);
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(bus.lastSeq).toBe(2);
  });

  it('keeps delivering when a listener throws, and reports it', () => {
    const reported: [unknown, number][] = [];
    const bus = new LiveEventBus({ onListenerError: (error, event) => reported.push([error, event.seq]) });
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('slow client');
    });
    bus.subscribe((event) => seen.push(event.seq));
    bus.publish(detected());
    expect(seen).toEqual([1]);
    expect(reported).toEqual([[new Error('slow client'), 1]]);

    const quiet = new LiveEventBus({
      onListenerError: () => {
        throw new Error('reporter broken too');
      },
    });
    quiet.subscribe(() => {
      throw new Error('x');
    });
    const after: number[] = [];
    quiet.subscribe((event) => after.push(event.seq));
    expect(() => quiet.publish(detected())).not.toThrow();
    expect(after).toEqual([1]);
  });

  it('unsubscribes, also from inside a listener, idempotently', () => {
    const bus = new LiveEventBus();
    const seen: string[] = [];
    const unsubscribeA = bus.subscribe((event) => {
      seen.push(`a${event.seq}`);
      unsubscribeA();
    });
    bus.subscribe((event) => seen.push(`b${event.seq}`));
    expect(bus.listenerCount).toBe(2);
    bus.publish(detected());
    bus.publish(detected());
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    unsubscribeA();
    expect(bus.listenerCount).toBe(1);
  });

  it('keeps the last N events for backfill, oldest first', () => {
    const bus = new LiveEventBus({ capacity: 3 });
    expect(bus.recent()).toEqual([]);
    for (let i = 0; i < 5; i++) bus.publish(detected({ at: i }));
    expect(bus.recent().map((event) => event.seq)).toEqual([3, 4, 5]);
    expect(bus.recent(2).map((event) => event.seq)).toEqual([4, 5]);
    expect(bus.recent(10, undefined, 3).map((event) => event.seq)).toEqual([4, 5]);
    expect(bus.recent(0)).toEqual([]);
  });

  it('filters the backfill by a client filter or a predicate', () => {
    const bus = new LiveEventBus();
    bus.publish(detected({ storeId: 'STORE_001' }));
    bus.publish({ type: 'incident.created', at: 2, incident: summary() });
    bus.publish(detected({ storeId: 'STORE_009', severity: 'LOW' }));
    bus.publish(detected({ storeId: 'STORE_002' }));
    expect(bus.recent(10, { store: ['STORE_002'] }).map((event) => event.seq)).toEqual([2, 4]);
    expect(bus.recent(1, { store: ['STORE_002'] }).map((event) => event.seq)).toEqual([4]);
    expect(bus.recent(10, (event) => event.type === 'incident.created').map((event) => event.seq)).toEqual([2]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new LiveEventBus({ capacity: 0 })).toThrow(RangeError);
    expect(() => new LiveEventBus({ capacity: 2.5 })).toThrow(RangeError);
  });
});

describe('matchesFilter', () => {
  const error = { ...detected(), seq: 1 } as LiveEvent;
  const created: LiveEvent = { type: 'incident.created', seq: 2, at: 2, incident: summary() };
  const spike: LiveEvent = {
    type: 'spike',
    seq: 3,
    at: 3,
    incident: summary({ service: 'kiosk-agent', severity: 'MEDIUM' }),
    ratePerMinute: 40,
    baselinePerMinute: 2,
  };

  it('lets everything through an empty filter', () => {
    for (const event of [error, created, spike]) {
      expect(matchesFilter(event, {})).toBe(true);
      expect(matchesFilter(event, { severity: [], service: [], store: [] })).toBe(true);
    }
  });

  it('matches an error.detected on its own severity, service and store', () => {
    expect(matchesFilter(error, { severity: ['HIGH', 'CRITICAL'] })).toBe(true);
    expect(matchesFilter(error, { severity: ['CRITICAL'] })).toBe(false);
    expect(matchesFilter(error, { service: ['demo-pos'] })).toBe(true);
    expect(matchesFilter(error, { service: ['other'] })).toBe(false);
    expect(matchesFilter(error, { store: ['STORE_004'] })).toBe(true);
    expect(matchesFilter(error, { store: ['STORE_001'] })).toBe(false);
  });

  it("matches incident events on the incident's severity, service and stores", () => {
    expect(matchesFilter(created, { severity: ['CRITICAL'], service: ['demo-pos'], store: ['STORE_002'] })).toBe(true);
    expect(matchesFilter(created, { store: ['STORE_003'] })).toBe(false);
    expect(matchesFilter(spike, { severity: ['CRITICAL'] })).toBe(false);
    expect(matchesFilter(spike, { service: ['kiosk-agent'] })).toBe(true);
  });
});
