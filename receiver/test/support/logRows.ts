import type { LogRow } from '../../src/store/LogRow.ts';

/** A realistic POS error row, stamped now so the table's TTL keeps it. */
export function sampleRow(overrides: Partial<LogRow> = {}): LogRow {
  const nowNanos = BigInt(Date.now()) * 1_000_000n;
  return {
    Timestamp: String(nowNanos),
    TraceId: '5b8efff798038103d269b633813fc60c',
    SpanId: 'eee19b7ec3c1b174',
    TraceFlags: 1,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    ServiceName: 'demo-pos',
    Body: 'Product 999 has no price',
    ResourceSchemaUrl: '',
    ResourceAttributes: { 'service.name': 'demo-pos', 'host.name': 'till-1' },
    ScopeSchemaUrl: '',
    ScopeName: '@stacklens/telemetry',
    ScopeVersion: '0.1.0',
    ScopeAttributes: {},
    LogAttributes: { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_001', 'pos.kiosk.id': 'KIOSK_001' },
    EventName: '',
    ...overrides,
  };
}
