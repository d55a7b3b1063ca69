/**
 * Detector cost per record on a realistic mix: mostly INFO request logs, a share of POS
 * failures and of other services' errors. Prints ns/record (CPU time, median of 5 runs).
 *   node processor/bench/detectorCost.ts [errorShare=0.05]
 */
import { cpuUsage } from 'node:process';
import { Detector } from '../src/detect/Detector.ts';
import { defaultRuleSet } from '../src/detect/defaultRuleSet.ts';
import type { PipelineRecord } from '../src/types.ts';

const errorShare = Number(process.argv[2] ?? 0.05);
const RECORDS = 200_000;
const codes = ['MISSING_PRICE', 'PRODUCT_NOT_FOUND', 'INVENTORY_SHORTAGE', 'PAYMENT_FAILED', 'INVALID_STORE_CONFIG'];

function makeRecord(i: number): PipelineRecord {
  const base = {
    Timestamp: `${1_700_000_000_000 + i}000000`,
    TraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    SpanId: '00f067aa0ba902b7',
    ServiceName: 'demo-pos',
    ResourceAttributes: { 'service.name': 'demo-pos', 'host.name': 'till-1' },
  };
  const roll = ((i * 7919) % 1000) / 1000;
  if (roll >= errorShare) {
    return {
      ...base,
      SeverityText: 'INFO',
      SeverityNumber: 9,
      Body: `GET /api/products answered 200 in ${i % 50} ms`,
      LogAttributes: {
        'http.request.method': 'GET',
        'http.route': '/api/products',
        'http.response.status_code': '200',
        'pos.store.id': 'STORE_001',
      },
    };
  }
  if (i % 3 === 0) {
    return {
      ...base,
      ServiceName: 'inventory-sync',
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      Body: 'Cannot read properties of undefined',
      LogAttributes: {
        'exception.type': 'TypeError',
        'exception.message': 'Cannot read properties of undefined',
        'exception.stacktrace': 'TypeError\n    at sync (sync.ts:1:1)',
      },
    };
  }
  return {
    ...base,
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: 'Product 999 (Mystery item) has no price',
    LogAttributes: {
      'error.code': codes[i % codes.length] as string,
      'pos.store.id': 'STORE_001',
      'pos.kiosk.id': 'KIOSK_01',
      'order.id': `ORD-${i}`,
    },
  };
}

const records = Array.from({ length: RECORDS }, (_, i) => makeRecord(i));
const detector = new Detector(defaultRuleSet());
const runs: number[] = [];
let detected = 0;
for (let run = 0; run < 12; run++) {
  detected = 0;
  const start = cpuUsage();
  for (const record of records) if (detector.detect(record, 0) !== undefined) detected++;
  const used = cpuUsage(start);
  if (run >= 2) runs.push(((used.user + used.system) * 1000) / RECORDS);
}
runs.sort((a, b) => a - b);
console.log(
  `Detector: ${runs[5]?.toFixed(1)} ns/record (median of 10, min ${runs[0]?.toFixed(1)}), ${RECORDS} records, ` +
    `${((detected / RECORDS) * 100).toFixed(1)} % detected`,
);

const info = records.filter((record) => record.SeverityNumber < 17);
const start = cpuUsage();
for (let run = 0; run < 20; run++) for (const record of info) detector.detect(record, 0);
const used = cpuUsage(start);
console.log(`INFO records only: ${(((used.user + used.system) * 1000) / (info.length * 20)).toFixed(1)} ns/record`);
