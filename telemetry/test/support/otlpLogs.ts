import type { CapturedRequest } from './captureServer.ts';
import { bytesOf, fixedOf, readMessage, varintOf } from './protobufWire.ts';
import type { WireField } from './protobufWire.ts';

export type Scalar = string | number | boolean;

/** One exported log record with its resource and scope, the same whatever the wire format. */
export interface ExportedRecord {
  resource: Record<string, Scalar>;
  scopeName: string;
  scopeVersion: string;
  severityNumber: number;
  severityText: string;
  body: Scalar | undefined;
  attributes: Record<string, Scalar>;
  /** Lowercase hex; '' when the record was emitted outside a span. */
  traceId: string;
  spanId: string;
}

/** Decodes every record of the given OTLP/HTTP logs requests, by their content type. */
export function exportedRecords(requests: CapturedRequest[]): ExportedRecord[] {
  return requests.flatMap((request) => {
    const type = request.headers['content-type'];
    if (type === 'application/json') return fromJson(request.body);
    if (type === 'application/x-protobuf') return fromProtobuf(request.body);
    throw new Error(`unexpected content type ${String(type)}`);
  });
}

// ---- OTLP/JSON (the proto3 JSON mapping, ids as hex) ----

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
interface JsonLogRecord {
  severityNumber?: number;
  severityText?: string;
  body?: JsonAnyValue;
  attributes?: JsonKeyValue[];
  traceId?: string;
  spanId?: string;
}
interface JsonLogsRequest {
  resourceLogs: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeLogs: { scope?: { name?: string; version?: string }; logRecords: JsonLogRecord[] }[];
  }[];
}

function fromJson(body: Buffer): ExportedRecord[] {
  const request = JSON.parse(body.toString('utf8')) as JsonLogsRequest;
  return request.resourceLogs.flatMap((resourceLogs) => {
    const resource = jsonAttributes(resourceLogs.resource?.attributes);
    return resourceLogs.scopeLogs.flatMap((scopeLogs) =>
      scopeLogs.logRecords.map((record) => ({
        resource,
        scopeName: scopeLogs.scope?.name ?? '',
        scopeVersion: scopeLogs.scope?.version ?? '',
        severityNumber: record.severityNumber ?? 0,
        severityText: record.severityText ?? '',
        body: record.body === undefined ? undefined : jsonScalar(record.body),
        attributes: jsonAttributes(record.attributes),
        traceId: (record.traceId ?? '').toLowerCase(),
        spanId: (record.spanId ?? '').toLowerCase(),
      })),
    );
  });
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, Scalar> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, jsonScalar(value)]));
}

function jsonScalar(value: JsonAnyValue): Scalar {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  throw new Error(`unsupported AnyValue ${JSON.stringify(value)}`);
}

// ---- OTLP/protobuf (opentelemetry-proto field numbers) ----

const utf8 = new TextDecoder();

function fromProtobuf(body: Buffer): ExportedRecord[] {
  return bytesOf(readMessage(body), 1).flatMap((resourceLogsBytes) => {
    const resourceLogs = readMessage(resourceLogsBytes);
    const resourceBytes = bytesOf(resourceLogs, 1)[0];
    const resource = resourceBytes === undefined ? {} : protoAttributes(readMessage(resourceBytes), 1);
    return bytesOf(resourceLogs, 2).flatMap((scopeLogsBytes) => {
      const scopeLogs = readMessage(scopeLogsBytes);
      const scopeBytes = bytesOf(scopeLogs, 1)[0];
      const scope = scopeBytes === undefined ? [] : readMessage(scopeBytes);
      return bytesOf(scopeLogs, 2).map((recordBytes) => {
        const record = readMessage(recordBytes);
        const body = bytesOf(record, 5)[0];
        return {
          resource,
          scopeName: protoString(scope, 1),
          scopeVersion: protoString(scope, 2),
          severityNumber: Number(varintOf(record, 2) ?? 0n),
          severityText: protoString(record, 3),
          body: body === undefined ? undefined : protoScalar(readMessage(body)),
          attributes: protoAttributes(record, 6),
          traceId: Buffer.from(bytesOf(record, 9)[0] ?? []).toString('hex'),
          spanId: Buffer.from(bytesOf(record, 10)[0] ?? []).toString('hex'),
        };
      });
    });
  });
}

function protoString(fields: WireField[], field: number): string {
  const bytes = bytesOf(fields, field)[0];
  return bytes === undefined ? '' : utf8.decode(bytes);
}

function protoAttributes(fields: WireField[], field: number): Record<string, Scalar> {
  return Object.fromEntries(
    bytesOf(fields, field).map((keyValueBytes) => {
      const keyValue = readMessage(keyValueBytes);
      const value = bytesOf(keyValue, 2)[0];
      return [protoString(keyValue, 1), value === undefined ? '' : protoScalar(readMessage(value))];
    }),
  );
}

/** AnyValue: 1 string, 2 bool, 3 int64, 4 double. */
function protoScalar(anyValue: WireField[]): Scalar {
  const string = bytesOf(anyValue, 1)[0];
  if (string !== undefined) return utf8.decode(string);
  const bool = varintOf(anyValue, 2);
  if (bool !== undefined) return bool === 1n;
  const int = varintOf(anyValue, 3);
  if (int !== undefined) return Number(BigInt.asIntN(64, int));
  const double = fixedOf(anyValue, 4);
  if (double !== undefined) return Buffer.from(double).readDoubleLE(0);
  throw new Error('unsupported AnyValue');
}
