import type { Incident, IncidentChange } from '../../../src/types.ts';

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'f00dfeedcafe0001',
    fingerprint: 'f00dfeedcafe0001',
    service: 'demo-pos',
    errorType: 'MISSING_PRICE',
    exceptionType: '',
    severity: 'CRITICAL',
    title: 'Product <n> has no price',
    ruleId: 'pos-missing-price',
    ticketPolicy: { mode: 'auto', afterOccurrences: 1, windowMinutes: 60 },
    status: 'open',
    count: 1,
    firstSeen: '2026-11-25T10:00:00.000Z',
    lastSeen: '2026-11-25T10:00:00.000Z',
    storeCounts: { STORE_001: 1 },
    kioskCounts: { KIOSK_01: 1 },
    samples: [
      {
        timestamp: '2026-11-25T10:00:00.000Z',
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        storeId: 'STORE_001',
        kioskId: 'KIOSK_01',
        body: 'Product 999 has no price',
        attributes: { 'error.code': 'MISSING_PRICE' },
      },
    ],
    regressions: 0,
    timeToDetectMs: 5,
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  };
}

export function change(kind: IncidentChange['kind'], snapshot: Incident, occurrences: number, at: number): IncidentChange {
  return { kind, incident: structuredClone(snapshot), occurrences, at };
}
