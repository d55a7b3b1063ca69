import { describe, expect, it } from 'vitest';
import { applyLiveEvent, EMPTY_FILTER, mergeSnapshot, visibleRows, type IncidentRows } from '../../src/live/incidentRows.ts';
import { listItem, summary, ticket } from '../support/fixtures.ts';

describe('incident rows', () => {
  it('never lets an older snapshot or replayed event wind a row back', () => {
    let rows: IncidentRows = new Map();
    rows = applyLiveEvent(rows, { type: 'incident.updated', seq: 5, at: 5, change: 'occurrences', incident: summary({ count: 5 }) });
    rows = mergeSnapshot(rows, [listItem({ count: 3 })]);
    expect(rows.get('fp-missing-price')?.count).toBe(5);
    rows = applyLiveEvent(rows, { type: 'incident.updated', seq: 2, at: 2, change: 'occurrences', incident: summary({ count: 2 }) });
    expect(rows.get('fp-missing-price')?.count).toBe(5);
    // A stale event still carries news of its own kind: the ticket is kept.
    rows = applyLiveEvent(rows, { type: 'ticket.created', seq: 3, at: 3, incident: summary({ count: 2 }), ticket: ticket() });
    expect(rows.get('fp-missing-price')?.ticket?.key).toBe('POS-7');
    rows = mergeSnapshot(rows, [listItem({ count: 6, ticket: ticket() })]);
    expect(rows.get('fp-missing-price')).toMatchObject({ count: 6, touchedAt: 5 });
  });

  it('drops the row of an incident merged away (incident.merged) and brings it back, as it was, on incident.unmerged', () => {
    let rows = mergeSnapshot(new Map(), [
      listItem({ id: 'fp-a', fingerprint: 'fp-a', count: 3, ticket: ticket() }),
      listItem({ id: 'fp-b', fingerprint: 'fp-b', count: 2 }),
    ]);
    const absorbed = summary({ id: 'fp-b', fingerprint: 'fp-b', count: 2 });
    rows = applyLiveEvent(rows, { type: 'incident.merged', seq: 1, at: 1, incident: absorbed, into: 'fp-a', actor: 'grafana:zoë' });
    expect([...rows.keys()]).toEqual(['fp-a']);
    expect(rows.get('fp-a')).toMatchObject({ count: 3, ticket: { key: 'POS-7' } });
    // Said again (a replay), it changes nothing.
    const same = applyLiveEvent(rows, { type: 'incident.merged', seq: 1, at: 1, incident: absorbed, into: 'fp-a', actor: 'grafana:zoë' });
    expect(same).toBe(rows);

    rows = applyLiveEvent(rows, { type: 'incident.unmerged', seq: 2, at: 2, incident: absorbed, from: 'fp-a', actor: 'api' });
    expect(rows.get('fp-b')).toMatchObject({ count: 2, touchedAt: 2, replayedOnly: false, analysis: null, ticket: null });
    // Its counts are its own again, even where a row said more (the occurrences it had while merged stay with the survivor).
    rows = applyLiveEvent(rows, { type: 'incident.updated', seq: 3, at: 3, change: 'occurrences', incident: { ...absorbed, count: 9 } });
    rows = applyLiveEvent(rows, { type: 'incident.unmerged', seq: 4, at: 4, incident: absorbed, from: 'fp-a', actor: 'api' });
    expect(rows.get('fp-b')?.count).toBe(2);
  });

  it('ignores error.detected (counts come with incident.updated)', () => {
    const rows: IncidentRows = new Map();
    const next = applyLiveEvent(rows, {
      type: 'error.detected',
      seq: 1,
      at: 1,
      incidentId: 'x',
      errorType: 'E',
      severity: 'LOW',
      service: 's',
      storeId: '',
      kioskId: '',
      traceId: '',
      body: '',
      occurrences: 1,
    });
    expect(next).toBe(rows);
  });

  it('filters by severity, status, service, store and text, newest first', () => {
    const rows = mergeSnapshot(new Map(), [
      listItem({ id: 'a', severity: 'LOW', lastSeen: '2026-01-01T10:00:00Z', storeCounts: { S1: 1 }, kioskCounts: { K9: 1 } }),
      listItem({ id: 'b', severity: 'HIGH', status: 'resolved', service: 'pay', lastSeen: '2026-01-01T11:00:00Z', storeCounts: { S2: 1 } }),
    ]);
    expect(visibleRows(rows, EMPTY_FILTER).map((row) => row.id)).toEqual(['b', 'a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, severity: ['LOW'] }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, status: ['resolved'] }).map((row) => row.id)).toEqual(['b']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, service: 'pay' }).map((row) => row.id)).toEqual(['b']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, store: 'S1' }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, search: 'k9' }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, EMPTY_FILTER, 1).map((row) => row.id)).toEqual(['b']);
  });

  it('finds ticket keys and text with parentheses, taken literally', () => {
    const rows = mergeSnapshot(new Map(), [
      listItem({ id: 'a', title: 'Product 999 (Mystery Product) has no price', ticket: ticket({ key: 'POS-42' }) }),
      listItem({ id: 'b', title: 'Payment declined', ticket: null }),
    ]);
    expect(visibleRows(rows, { ...EMPTY_FILTER, search: 'pos-42' }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, search: '(Mystery Product)' }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, search: 'Product) has' }).map((row) => row.id)).toEqual(['a']);
    expect(visibleRows(rows, { ...EMPTY_FILTER, search: '.*' }).map((row) => row.id)).toEqual([]);
  });

  it('drops a row only the feed’s replay knew of when a complete snapshot does not list it (merged away since)', () => {
    const created = (id: string, at: number) =>
      ({ type: 'incident.created', seq: at, at, incident: summary({ id, fingerprint: id }) }) as const;
    let rows: IncidentRows = new Map();
    rows = applyLiveEvent(rows, created('fp-absorbed', 1), true);
    rows = applyLiveEvent(rows, created('fp-kept', 2), true);
    rows = applyLiveEvent(rows, created('fp-live', 3), false);
    expect(rows.get('fp-absorbed')?.replayedOnly).toBe(true);
    expect(rows.get('fp-live')?.replayedOnly).toBe(false);
    // One page of many proves nothing about the rest.
    expect([...mergeSnapshot(rows, [listItem({ id: 'fp-kept', fingerprint: 'fp-kept' })], false).keys()]).toEqual([
      'fp-absorbed',
      'fp-kept',
      'fp-live',
    ]);
    const next = mergeSnapshot(rows, [listItem({ id: 'fp-kept', fingerprint: 'fp-kept' })], true);
    expect([...next.keys()]).toEqual(['fp-kept', 'fp-live']);
    expect(next.get('fp-kept')?.replayedOnly).toBe(false);
    // A live (not replayed) event makes a row known for itself.
    rows = applyLiveEvent(rows, { ...created('fp-absorbed', 4), type: 'incident.created' }, false);
    expect(mergeSnapshot(rows, [], true).has('fp-absorbed')).toBe(true);
  });

  it('keeps the receiver’s example and storm fields, and a live message only where the receiver sent none', () => {
    let rows = mergeSnapshot(new Map(), [
      listItem({ id: 'a', fingerprint: 'a', example: 'first message', stormId: 's' }),
      listItem({ id: 's', fingerprint: 's', stormSize: 12 }),
      listItem({ id: 'b', fingerprint: 'b', example: '' }),
    ]);
    const detected = (incidentId: string, body: string) =>
      ({
        type: 'error.detected',
        seq: 1,
        at: 1,
        incidentId,
        errorType: 'E',
        severity: 'LOW',
        service: 's',
        storeId: '',
        kioskId: '',
        traceId: '',
        body,
        occurrences: 1,
      }) as const;
    rows = applyLiveEvent(applyLiveEvent(rows, detected('a', 'later message')), detected('b', 'live message'));
    expect(rows.get('a')).toMatchObject({ example: 'first message', stormId: 's' });
    expect(rows.get('b')?.example).toBe('live message');
    expect(rows.get('s')?.stormSize).toBe(12);
    rows = applyLiveEvent(rows, {
      type: 'incident.updated',
      seq: 2,
      at: 2,
      change: 'occurrences',
      incident: summary({ id: 'a', fingerprint: 'a', count: 9 }),
    });
    expect(rows.get('a')).toMatchObject({ count: 9, example: 'first message', stormId: 's' });
  });
});
