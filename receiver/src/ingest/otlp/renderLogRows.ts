import { idToHex } from './bytes.ts';
import { int64IsZero, int64ToDecimal, uint64ExceedsInt64 } from './int64.ts';
import { renderAttributes, renderAttributesJson, renderFirstAttribute } from './renderAttributes.ts';
import { renderAnyValue } from './renderValue.ts';
import type { ExportRequest, Int64, KeyValue, LogRecord, ResourceLogs, ScopeLogs } from './types.ts';

/** The resource-level columns, rendered once and shared by all rows of the resource. */
export interface ResourceColumns {
  readonly serviceName: string;
  readonly schemaUrl: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The attributes as the stored map's JSON text (AttributeRenderer.renderJson: repeated keys kept). */
  readonly attributesJson: string;
}

export interface ScopeColumns {
  readonly schemaUrl: string;
  readonly name: string;
  readonly version: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The attributes as the stored map's JSON text. */
  readonly attributesJson: string;
}

/** A record's own columns, rendered; the resource and scope columns come with `LogRowSink.scope`. */
export interface RecordColumns {
  /** Nanoseconds since the epoch, decimal. */
  timestamp: string;
  traceId: string;
  spanId: string;
  traceFlags: number;
  severityText: string;
  severityNumber: number;
  body: string;
  /** Unrendered: the sink renders them (see LogRowSink). */
  attributes: readonly KeyValue[];
  eventName: string;
}

/**
 * Where the rows of a request go, their columns rendered as the Collector's clickhouseexporter
 * renders them. `scope` comes before the records of each scope, then `record` once per row.
 * A record's attributes come unrendered: a sink renders them with its AttributeRenderer as an
 * object (`render`) or straight as JSON text (`renderJson`), both from one key layout.
 */
export interface LogRowSink {
  scope(resource: ResourceColumns, scope: ScopeColumns): void;
  /** `record` is valid during the call only: the renderer fills the same object for every row. */
  record(record: Readonly<RecordColumns>): void;
}

export interface RenderedRows {
  /** Rows handed to the sink. */
  rows: number;
  /** Records that cannot be stored; the receiver reports them as OTLP partial success. */
  rejected: number;
  /** Set when `rejected` > 0: the text for partialSuccess.errorMessage. */
  rejectionMessage?: string;
}

/**
 * Renders every record of a request into `sink`: the one place that decides what each
 * `otel_logs` column of a record holds, whichever form the rows then take.
 */
export function renderLogRows(request: ExportRequest, sink: LogRowSink): RenderedRows {
  let rows = 0;
  let rejected = 0;
  let firstRejection: string | undefined;
  const columns: RecordColumns = {
    timestamp: '',
    traceId: '',
    spanId: '',
    traceFlags: 0,
    severityText: '',
    severityNumber: 0,
    body: '',
    attributes: [],
    eventName: '',
  };
  const resourceLogsList = request.resourceLogs;
  for (let r = 0; r < resourceLogsList.length; r++) {
    const resourceLogs = resourceLogsList[r]!;
    const resource = resourceColumns(resourceLogs);
    const scopeLogsList = resourceLogs.scopeLogs;
    for (let s = 0; s < scopeLogsList.length; s++) {
      const scopeLogs = scopeLogsList[s]!;
      sink.scope(resource, scopeColumns(scopeLogs));
      const records = scopeLogs.logRecords;
      for (let l = 0; l < records.length; l++) {
        const record = records[l]!;
        const timestamp = recordTimestamp(record);
        if (uint64ExceedsInt64(timestamp)) {
          rejected++;
          firstRejection ??= `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}] at ${int64ToDecimal(timestamp)} ns`;
          continue;
        }
        columns.timestamp = int64ToDecimal(timestamp);
        columns.traceId = idToHex(record.traceId);
        columns.spanId = idToHex(record.spanId);
        // The columns are UInt8: the exporter converts with Go's uint8(), which keeps the low byte.
        columns.traceFlags = record.flags & 0xff;
        columns.severityText = record.severityText;
        columns.severityNumber = record.severityNumber & 0xff;
        columns.body = renderAnyValue(record.body);
        columns.attributes = record.attributes;
        columns.eventName = record.eventName;
        sink.record(columns);
        rows++;
      }
    }
  }
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
    attributesJson: renderAttributesJson(attributes),
  };
}

function scopeColumns(scopeLogs: ScopeLogs): ScopeColumns {
  const scope = scopeLogs.scope;
  return {
    schemaUrl: scopeLogs.schemaUrl,
    name: scope?.name ?? '',
    version: scope?.version ?? '',
    attributes: Object.freeze(renderAttributes(scope?.attributes ?? [])),
    attributesJson: renderAttributesJson(scope?.attributes ?? []),
  };
}
