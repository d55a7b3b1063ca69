import type { LogRow } from '../../store/LogRow.ts';
import { AttributeRenderer } from './renderAttributes.ts';
import { renderLogRows, type LogRowSink, type RecordColumns, type ResourceColumns, type ScopeColumns } from './renderLogRows.ts';
import type { ExportRequest } from './types.ts';

export interface LogRowsResult {
  rows: LogRow[];
  /** Records that cannot be stored; the receiver reports them as OTLP partial success. */
  rejected: number;
  /** Set when `rejected` > 0: the text for partialSuccess.errorMessage. */
  rejectionMessage?: string;
}

/**
 * Rows of the `otel_logs` table as objects, rendered as the Collector's clickhouseexporter
 * renders them. Rows of one resource (and of one scope) share the same frozen attribute objects.
 * The write path skips the objects (see store/encodeLogRequest.ts); the columns come from
 * the same renderLogRows either way.
 */
export function toLogRows(request: ExportRequest): LogRowsResult {
  const sink = new LogRowCollector(new AttributeRenderer());
  const { rejected, rejectionMessage } = renderLogRows(request, sink);
  return rejected === 0 ? { rows: sink.rows, rejected } : { rows: sink.rows, rejected, rejectionMessage };
}

/** A sink that keeps the rows as LogRow objects. */
export class LogRowCollector implements LogRowSink {
  readonly rows: LogRow[] = [];
  readonly #logAttributes: AttributeRenderer;
  #resource: ResourceColumns | undefined;
  #scope: ScopeColumns | undefined;

  /** @param logAttributes one renderer per batch (it remembers key layouts). */
  constructor(logAttributes: AttributeRenderer) {
    this.#logAttributes = logAttributes;
  }

  scope(resource: ResourceColumns, scope: ScopeColumns): void {
    this.#resource = resource;
    this.#scope = scope;
  }

  record(record: Readonly<RecordColumns>): void {
    const resource = this.#resource!;
    const scope = this.#scope!;
    this.rows.push({
      Timestamp: record.timestamp,
      TraceId: record.traceId,
      SpanId: record.spanId,
      TraceFlags: record.traceFlags,
      SeverityText: record.severityText,
      SeverityNumber: record.severityNumber,
      ServiceName: resource.serviceName,
      Body: record.body,
      ResourceSchemaUrl: resource.schemaUrl,
      ResourceAttributes: resource.attributes,
      ScopeSchemaUrl: scope.schemaUrl,
      ScopeName: scope.name,
      ScopeVersion: scope.version,
      ScopeAttributes: scope.attributes,
      LogAttributes: this.#logAttributes.render(record.attributes),
      EventName: record.eventName,
    });
  }
}
