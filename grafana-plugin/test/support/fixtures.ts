import type { IncidentDetail, IncidentListItem, IncidentSummary, Stats, TicketLink } from '../../src/types.ts';

export function summary(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: 'fp-missing-price',
    fingerprint: 'fp-missing-price',
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    severity: 'HIGH',
    title: 'Product <n> has no price',
    status: 'open',
    count: 1,
    firstSeen: '2026-01-01T10:00:00.000Z',
    lastSeen: '2026-01-01T10:00:00.000Z',
    storeCounts: { STORE_001: 1 },
    kioskCounts: { 'STORE_001/KIOSK_001': 1 },
    regressions: 0,
    ...overrides,
  };
}

export function listItem(overrides: Partial<IncidentListItem> = {}): IncidentListItem {
  return {
    ...summary(overrides),
    exceptionType: '',
    ruleId: 'missing-price',
    ticketPolicy: { mode: 'manual' },
    timeToDetectMs: 12,
    updatedAt: '2026-01-01T10:00:00.000Z',
    analysis: null,
    ticket: null,
    ...overrides,
  };
}

export function ticket(overrides: Partial<TicketLink> = {}): TicketLink {
  return {
    incidentId: 'fp-missing-price',
    fingerprint: 'fp-missing-price',
    key: 'POS-7',
    url: 'https://jira.example.com/browse/POS-7',
    status: 'To Do',
    statusCategory: 'new',
    createdAt: '2026-01-01T10:00:05.000Z',
    updatedAt: '2026-01-01T10:00:05.000Z',
    ...overrides,
  };
}

export const EMPTY_STATS: Stats = {
  totals: { incidents: 0, occurrences: 0, openIncidents: 0 },
  bySeverity: {
    CRITICAL: { incidents: 0, open: 0, occurrences: 0 },
    HIGH: { incidents: 0, open: 0, occurrences: 0 },
    MEDIUM: { incidents: 0, open: 0, occurrences: 0 },
    LOW: { incidents: 0, open: 0, occurrences: 0 },
  },
  critical: { incidents: 0, open: 0 },
  openTickets: 0,
  perStore: [],
  timeToDetectMs: null,
  timeToTicketMs: null,
};

export function detail(overrides: Partial<IncidentDetail> = {}): IncidentDetail {
  const { analysis: _analysis, ticket: _ticket, ...incident } = listItem();
  return {
    incident,
    histogram: {
      from: '2026-01-01T09:00:00.000Z',
      to: '2026-01-01T10:00:00.000Z',
      bucketSeconds: 60,
      total: 3,
      buckets: [
        { at: '2026-01-01T09:58:00.000Z', count: 1 },
        { at: '2026-01-01T09:59:00.000Z', count: 2 },
      ],
    },
    samples: [
      {
        timestamp: '2026-01-01T10:00:00.000Z',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        storeId: 'STORE_001',
        kioskId: 'KIOSK_001',
        body: 'Product 999 has no price',
        attributes: {},
      },
    ],
    audit: [
      { stage: 'detected', at: '2026-01-01T10:00:00.012Z', detail: 'rule missing-price', actor: 'stacklens' },
      { stage: 'ai.pending', at: '2026-01-01T10:00:00.020Z', detail: 'offline analyser', actor: 'stacklens' },
    ],
    analysis: null,
    ticket: null,
    ...overrides,
  };
}
