import { request, Agent } from 'node:http';
import { SeverityNumber } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** Attribute that numbers every record of a load, so the store can be checked record by record. */
export const SEQ_ATTRIBUTE = 'load.seq';

export interface LoadRecordOptions {
  /** ERROR records carrying a POS error code are detected (an incident); INFO records are only stored. */
  severity?: 'INFO' | 'ERROR';
  /** Padding that makes records larger, as real bodies with stack traces are. */
  bodyBytes?: number;
}

/** Records numbered `from` … `from + count - 1`, made by the real OTel JS SDK. */
export function loadRecords(from: number, count: number, options: LoadRecordOptions = {}): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'reliability-load' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('reliability');
  const error = options.severity === 'ERROR';
  const padding = 'x'.repeat(options.bodyBytes ?? 0);
  for (let seq = from; seq < from + count; seq += 1) {
    logger.emit({
      severityNumber: error ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: error ? 'ERROR' : 'INFO',
      body: error ? `Product 999 has no price (order ${seq})${padding}` : `order ${seq} placed${padding}`,
      attributes: {
        [SEQ_ATTRIBUTE]: String(seq),
        ...(error ? { 'error.code': 'MISSING_PRICE', 'pos.store.id': 'STORE_001' } : {}),
      },
    });
  }
  return exporter.getFinishedLogRecords();
}

export function protobufRequest(records: ReadableLogRecord[]): Buffer {
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!);
}

export interface PostResult {
  status: number;
  retryAfter?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One OTLP/HTTP protobuf POST; status 0 when the connection failed (refused, reset). */
export function postLogs(baseUrl: string, body: Buffer, timeoutMs = 60_000): Promise<PostResult> {
  return new Promise((resolve) => {
    const outgoing = request(
      `${baseUrl}/v1/logs`,
      { method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] ?? undefined }));
        response.once('error', () => resolve({ status: 0 }));
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.once('error', () => resolve({ status: 0 }));
    outgoing.end(body);
  });
}

/** Number ranges [from, to) as a flat list. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
