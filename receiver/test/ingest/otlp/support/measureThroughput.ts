/**
 * Decode + render throughput of a realistic 1,000-record request built by the OTel JS SDK.
 * Run: node receiver/test/ingest/otlp/support/measureThroughput.ts (not a test: timings vary by machine).
 */
import { createHash } from 'node:crypto';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { posLogRequests } from '@stacklens/test-support/otlp';
import { decodeJsonRequest, decodeProtobufRequest, toLogRows } from '../../../../src/ingest/otlp/index.ts';
import { encodeLogRequest, encodeLogRequestWithRows } from '../../../../src/ingest/encodeLogRequest.ts';
import { encodeLogRows } from '../../../../src/ingest/encodeLogRows.ts';
import { emitWithSdk, posFailure } from './sdkLogs.ts';

const records = await emitWithSdk(Array.from({ length: 1000 }, (_, i) => posFailure(i)));
const bytes = ProtobufLogsSerializer.serializeRequest(records) ?? new Uint8Array();
const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records));
const a = toLogRows(decodeProtobufRequest(bytes)).rows;
const b = toLogRows(decodeJsonRequest(json)).rows;
console.log('same rows', JSON.stringify(a) === JSON.stringify(b), a.length, bytes.length, json.length);
/**
 * Records per second of CPU time (user + system) for the best of several rounds: other
 * processes on a busy machine stretch wall time but hardly CPU time.
 */
function measure(label: string, fn: () => void, rounds = 7, iterations = 40): void {
  for (let i = 0; i < 30; i++) fn();
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  console.log(label, Math.round((1000 * iterations) / best), 'records/s of CPU time (best of', rounds, 'rounds)');
}
measure('protobuf decode+toLogRows', () => toLogRows(decodeProtobufRequest(bytes)));
measure('json decode+toLogRows', () => toLogRows(decodeJsonRequest(json)));
measure('json parse only', () => JSON.parse(json));

/*
 * The route's whole synchronous work per request, on the benchmark's bodies (POS orders, 1,000
 * records, ~180 bytes each): decode, rows and/or insert payload, deduplication token.
 */
const bench = posLogRequests(1, 1000)[0]!;
const token = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');
measure('bench body: decode only', () => decodeProtobufRequest(bench));
measure('bench body: rows + encodeLogRows (old path)', () => {
  Buffer.from(encodeLogRows(toLogRows(decodeProtobufRequest(bench)).rows));
  token(bench);
});
measure('bench body: encodeLogRequestWithRows', () => {
  encodeLogRequestWithRows(decodeProtobufRequest(bench));
  token(bench);
});
measure('bench body: encodeLogRequest (no rows)', () => {
  encodeLogRequest(decodeProtobufRequest(bench));
  token(bench);
});
