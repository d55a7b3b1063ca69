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
});
