import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One exported log record, flattened from OTLP JSON for assertions. */
export interface CapturedRecord {
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
  traceId: string;
  spanId: string;
}

export interface CaptureServer {
  /** Base URL to hand to the telemetry package as its OTLP endpoint. */
  url: string;
  /** Every request body received, decompressed, as text. */
  bodies: string[];
  records(): CapturedRecord[];
  close(): Promise<void>;
}

/**
 * A real OTLP/HTTP peer in miniature: a node:http server that records what the telemetry
 * exporter POSTs to /v1/logs and answers as a receiver would, with an empty success.
 */
export async function startCaptureServer(): Promise<CaptureServer> {
  const bodies: string[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method === 'POST' && request.url === '/v1/logs') bodies.push(body);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    records: () => bodies.flatMap(flattenLogsRequest),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpLogsRequest {
  resourceLogs?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeLogs?: {
      logRecords?: {
        severityNumber?: number;
        severityText?: string;
        body?: OtlpAnyValue;
        attributes?: OtlpKeyValue[];
        traceId?: string;
        spanId?: string;
      }[];
    }[];
  }[];
}

function flattenLogsRequest(body: string): CapturedRecord[] {
  const request = JSON.parse(body) as OtlpLogsRequest;
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const resource = toMap(resourceLogs.resource?.attributes);
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
      (scopeLogs.logRecords ?? []).map((record) => ({
        severityNumber: record.severityNumber ?? 0,
        severityText: record.severityText ?? '',
        body: String(valueOf(record.body ?? {})),
        attributes: toMap(record.attributes),
        resource,
        traceId: record.traceId ?? '',
        spanId: record.spanId ?? '',
      })),
    );
  });
}

function toMap(attributes: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: OtlpAnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return '';
}
