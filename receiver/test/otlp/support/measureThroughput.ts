/**
 * Decode + render throughput of a realistic 1,000-record request built by the OTel JS SDK.
 * Run: node receiver/test/otlp/support/measureThroughput.ts (not a test: timings vary by machine).
 */
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { decodeJsonRequest, decodeProtobufRequest, toLogRows } from '../../../src/otlp/index.ts';
import { emitWithSdk, posFailure } from './sdkLogs.ts';

const records = await emitWithSdk(Array.from({ length: 1000 }, (_, i) => posFailure(i)));
const bytes = ProtobufLogsSerializer.serializeRequest(records) ?? new Uint8Array();
const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records));
const a = toLogRows(decodeProtobufRequest(bytes)).rows;
const b = toLogRows(decodeJsonRequest(json)).rows;
console.log('same rows', JSON.stringify(a) === JSON.stringify(b), a.length, bytes.length, json.length);
function measure(label: string, fn: () => void, iterations = 200): void {
  for (let i = 0; i < 30; i++) fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - t);
  console.log(label, Math.round((1000 * iterations) / (ns / 1e9)), 'records/s');
}
measure('protobuf decode+toLogRows', () => toLogRows(decodeProtobufRequest(bytes)));
measure('json decode+toLogRows', () => toLogRows(decodeJsonRequest(json)));
measure('json parse only', () => JSON.parse(json));
