/**
 * Pipeline.consume cost per record (detect on every record, group on the detected ones,
 * events to a bus with one listener, writes to a repository that drops them), CPU time,
 * median of 10 runs of 200,000 records in batches of 1,000.
 *   node processor/bench/pipelineCost.ts [errorShare=0.05]
 */
import { cpuUsage } from 'node:process';
import { defaultRuleSet } from '../src/detect/defaultRuleSet.ts';
import { createPipeline } from '../src/pipeline/createPipeline.ts';
import { LiveEventBus } from '../src/publish/LiveEventBus.ts';
import type { IncidentRepository, PipelineRecord } from '../src/types.ts';

const errorShare = Number(process.argv[2] ?? 0.05);
const RECORDS = 200_000;
const BATCH = 1_000;
const codes = ['MISSING_PRICE', 'PRODUCT_NOT_FOUND', 'INVENTORY_SHORTAGE', 'PAYMENT_FAILED', 'INVALID_STORE_CONFIG'];
const bodies: Record<string, (i: number) => string> = {
  MISSING_PRICE: () => 'Product 999 (Mystery Product) has no price',
  PRODUCT_NOT_FOUND: (i) => `Product ${4000 + (i % 97)} does not exist in the catalogue`,
  INVENTORY_SHORTAGE: (i) => `Only ${i % 13} unit(s) of product 101 in stock, 999 requested`,
  PAYMENT_FAILED: () => 'Payment gateway declined the payment: card_declined: the issuer declined the card',
  INVALID_STORE_CONFIG: (i) => `Store STORE_${900 + (i % 9)} is not configured`,
};

function makeRecord(i: number): PipelineRecord {
  const base = {
    Timestamp: `${1_700_000_000_000 + i}000000`,
    TraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    SpanId: '00f067aa0ba902b7',
    ServiceName: 'demo-pos',
    ResourceAttributes: { 'service.name': 'demo-pos' },
  };
  const roll = ((i * 7919) % 1000) / 1000;
  if (roll >= errorShare) {
    return {
      ...base,
      SeverityText: 'INFO',
      SeverityNumber: 9,
      Body: `Order ORD-${i} placed`,
      LogAttributes: {
        'order.id': `ORD-${i}`,
        'pos.store.id': 'STORE_001',
        'pos.kiosk.id': 'KIOSK_001',
        'http.response.status_code': '201',
      },
    };
  }
  const code = codes[i % codes.length] as string;
  return {
    ...base,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: (bodies[code] as (i: number) => string)(i),
    LogAttributes: {
      'error.code': code,
      'pos.store.id': `STORE_00${1 + (i % 5)}`,
      'pos.kiosk.id': `KIOSK_00${1 + (i % 3)}`,
      'order.id': `ORD-${i}`,
      'http.response.status_code': '422',
      'http.request.method': 'POST',
      'http.route': '/api/orders',
    },
  };
}

const discard: IncidentRepository = {
  loadIncidents: async () => [],
  saveIncidents: async () => {},
  appendOccurrences: async () => {},
  appendAudit: async () => {},
};
const records = Array.from({ length: RECORDS }, (_, i) => makeRecord(i));
const bus = new LiveEventBus();
let events = 0;
bus.subscribe(() => events++);
const pipeline = createPipeline({ ruleSet: defaultRuleSet(), repository: discard, bus, tracker: { flushIntervalMs: 250 } });
await pipeline.start();

const runs: number[] = [];
for (let run = 0; run < 12; run++) {
  const start = cpuUsage();
  for (let offset = 0; offset < RECORDS; offset += BATCH) pipeline.consume(records.slice(offset, offset + BATCH));
  const used = cpuUsage(start);
  await pipeline.tracker.flush();
  if (run >= 2) runs.push(((used.user + used.system) * 1000) / RECORDS);
}
runs.sort((a, b) => a - b);
const { detections } = pipeline.stats();
console.log(
  `Pipeline.consume: ${runs[5]?.toFixed(0)} ns/record (median of 10, min ${runs[0]?.toFixed(0)}), ` +
    `${((detections / pipeline.stats().records) * 100).toFixed(1)} % detected, ` +
    `≈ ${(((runs[5] ?? 0) * 1000) / (detections / pipeline.stats().records) / 1000).toFixed(0)} ns per detected record, ${events} events`,
);
await pipeline.close();
