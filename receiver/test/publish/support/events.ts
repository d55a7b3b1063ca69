import type { IncidentSummary, Severity, UnsequencedLiveEvent } from '@stacklens/processor';

export interface EventFacets {
  severity?: Severity;
  service?: string;
  store?: string;
  body?: string;
}

export function errorDetected({
  severity = 'HIGH',
  service = 'demo-pos',
  store = 'STORE_001',
  body = 'Price missing for product 999',
}: EventFacets = {}): UnsequencedLiveEvent {
  return {
    type: 'error.detected',
    at: Date.now(),
    incidentId: `fp-${service}-${severity}`,
    errorType: 'MISSING_PRICE',
    severity,
    service,
    storeId: store,
    kioskId: 'KIOSK_01',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    body,
    occurrences: 1,
  };
}

export function incident({
  severity = 'CRITICAL',
  service = 'demo-pos',
  stores = ['STORE_001'],
}: { severity?: Severity; service?: string; stores?: string[] } = {}): IncidentSummary {
  return {
    id: `fp-${service}-${severity}-${stores.join('+')}`,
    fingerprint: `fp-${service}-${severity}-${stores.join('+')}`,
    service,
    errorType: 'PAYMENT_FAILED',
    severity,
    title: 'Payment gateway returned <num>',
    status: 'open',
    count: stores.length,
    firstSeen: new Date().toISOString(),
    lastSeen: new Date().toISOString(),
    storeCounts: Object.fromEntries(stores.map((store) => [store, 1])),
    kioskCounts: { KIOSK_01: stores.length },
    regressions: 0,
  };
}

export function incidentCreated(facets: Parameters<typeof incident>[0] = {}): UnsequencedLiveEvent {
  return { type: 'incident.created', at: Date.now(), incident: incident(facets) };
}

export function spike(facets: Parameters<typeof incident>[0] = {}): UnsequencedLiveEvent {
  return { type: 'spike', at: Date.now(), incident: incident(facets), ratePerMinute: 120, baselinePerMinute: 3 };
}
