import type { LogRow } from '../store/LogRow.ts';
import { idToHex } from './bytes.ts';
import { int64IsZero, int64ToDecimal, uint64ExceedsInt64 } from './int64.ts';
import { AttributeRenderer, renderAttributes, renderFirstAttribute } from './renderAttributes.ts';
import { renderAnyValue } from './renderValue.ts';
import type { ExportRequest, Int64, LogRecord, ResourceLogs, ScopeLogs } from './types.ts';

export interface LogRowsResult {
  rows: LogRow[];
  /** Records that cannot be stored; the receiver reports them as OTLP partial success. */
  rejected: number;
  /** Set when `rejected` > 0: the text for partialSuccess.errorMessage. */
  rejectionMessage?: string;
}

/** The resource-level columns, rendered once and shared by all rows of the resource. */
interface ResourceColumns {
  serviceName: string;
  schemaUrl: string;
  attributes: Readonly<Record<string, string>>;
}

interface ScopeColumns {
  schemaUrl: string;
  name: string;
  version: string;
  attributes: Readonly<Record<string, string>>;
}

/**
 * Rows of the `otel_logs` table, rendered as the Collector's clickhouseexporter renders them.
 * Rows of one resource (and of one scope) share the same frozen attribute objects.
 */
export function toLogRows(request: ExportRequest): LogRowsResult {
  const rows: LogRow[] = [];
  const logAttributes = new AttributeRenderer();
  let rejected = 0;
  let firstRejection: string | undefined;
  request.resourceLogs.forEach((resourceLogs, r) => {
    const resource = resourceColumns(resourceLogs);
    resourceLogs.scopeLogs.forEach((scopeLogs, s) => {
      const scope = scopeColumns(scopeLogs);
      scopeLogs.logRecords.forEach((record, l) => {
        const timestamp = recordTimestamp(record);
        if (uint64ExceedsInt64(timestamp)) {
          rejected++;
          firstRejection ??= `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}] at ${int64ToDecimal(timestamp)} ns`;
          return;
        }
        rows.push(toLogRow(record, timestamp, resource, scope, logAttributes.render(record.attributes)));
      });
    });
  });
  if (rejected === 0) return { rows, rejected };
  const rejectionMessage =
    `${rejected} log record(s) rejected: timestamp beyond 2262-04-11T23:47:16.854775807Z, ` +
    `the end of DateTime64(9) (first: ${firstRejection})`;
  return { rows, rejected, rejectionMessage };
}

/** The exporter's rule: the event time, or the observed time when the event time is unknown. */
function recordTimestamp(record: LogRecord): Int64 {
  return int64IsZero(record.timeUnixNano) ? record.observedTimeUnixNano : record.timeUnixNano;
}

function resourceColumns(resourceLogs: ResourceLogs): ResourceColumns {
  const attributes = resourceLogs.resource?.attributes ?? [];
  return {
    serviceName: renderFirstAttribute(attributes, 'service.name'),
    schemaUrl: resourceLogs.schemaUrl,
    attributes: Object.freeze(renderAttributes(attributes)),
  };
}

function scopeColumns(scopeLogs: ScopeLogs): ScopeColumns {
  const scope = scopeLogs.scope;
  return {
    schemaUrl: scopeLogs.schemaUrl,
    name: scope?.name ?? '',
    version: scope?.version ?? '',
    attributes: Object.freeze(renderAttributes(scope?.attributes ?? [])),
  };
}

function toLogRow(
  record: LogRecord,
  timestamp: Int64,
  resource: ResourceColumns,
  scope: ScopeColumns,
  logAttributes: Record<string, string>,
): LogRow {
  return {
    Timestamp: int64ToDecimal(timestamp),
    TraceId: idToHex(record.traceId),
    SpanId: idToHex(record.spanId),
    // The columns are UInt8: the exporter converts with Go's uint8(), which keeps the low byte.
    TraceFlags: record.flags & 0xff,
    SeverityText: record.severityText,
    SeverityNumber: record.severityNumber & 0xff,
    ServiceName: resource.serviceName,
    Body: renderAnyValue(record.body),
    ResourceSchemaUrl: resource.schemaUrl,
    ResourceAttributes: resource.attributes,
    ScopeSchemaUrl: scope.schemaUrl,
    ScopeName: scope.name,
    ScopeVersion: scope.version,
    ScopeAttributes: scope.attributes,
    LogAttributes: logAttributes,
    EventName: record.eventName,
  };
}
