import { jsonString } from './otlp/jsonString.ts';
import { AttributeRenderer } from './otlp/renderAttributes.ts';
import { renderLogRows, type LogRowSink, type RecordColumns, type ResourceColumns, type ScopeColumns } from './otlp/renderLogRows.ts';
import { writeKeepingBytes } from './otlp/rawBytes.ts';
import { LogRowCollector } from './otlp/toLogRows.ts';
import type { ExportRequest } from './otlp/types.ts';
import { logRowLine, resourceAndScopeJson, type LogLine } from './encodeLogRows.ts';
import type { LogRow } from '../store/LogRow.ts';

export interface EncodedLogRequest {
  /** JSONCompactEachRow lines as UTF-8 bytes. */
  payload: Buffer;
  rowCount: number;
  /** Records that cannot be stored; the receiver reports them as OTLP partial success. */
  rejected: number;
  /** Set when `rejected` > 0: the text for partialSuccess.errorMessage. */
  rejectionMessage?: string;
}

/**
 * A decoded request straight to the insert payload: the same bytes as
 * `encodeLogRows(toLogRows(request).rows)` (a test holds the two together) where the row
 * objects can hold what the exporter stores — no repeated attribute key, no key that looks like
 * an array index, no byte that is not UTF-8 — without the row objects and attribute maps in
 * between: on the write path those cost more than decoding.
 */
export function encodeLogRequest(request: ExportRequest): EncodedLogRequest {
  return encode(request, undefined);
}

/**
 * The payload as encodeLogRequest makes it, and the rows as toLogRows makes them, for a caller
 * that needs the objects too: one walk over the request, no JSON.stringify of the objects.
 */
export function encodeLogRequestWithRows(request: ExportRequest): EncodedLogRequest & { rows: LogRow[] } {
  const collector = new LogRowCollector(new AttributeRenderer());
  return { ...encode(request, collector), rows: collector.rows };
}

function encode(request: ExportRequest, collector: LogRowCollector | undefined): EncodedLogRequest {
  const sink = new CompactJsonRows(BYTES_PER_ROW_GUESS * countRecords(request), collector);
  const { rows, rejected, rejectionMessage } = renderLogRows(request, sink);
  const encoded = { payload: sink.payload(), rowCount: rows, rejected };
  return rejectionMessage === undefined ? encoded : { ...encoded, rejectionMessage };
}

/** Enough for a typical row with a few attributes; the buffer grows when rows are larger. */
const BYTES_PER_ROW_GUESS = 384;
/** Lines gathered into one string before it is written to the buffer. */
const LINES_PER_WRITE = 32;

function countRecords(request: ExportRequest): number {
  let count = 0;
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  return count;
}

class CompactJsonRows implements LogRowSink {
  // Lines go into the buffer a few at a time: one string of all the lines would be a chain
  // of thousands of pieces, costlier to flatten and encode than short runs of lines.
  #buffer: Buffer;
  #length = 0;
  #lines = '';
  #linesPending = 0;
  readonly #logAttributes = new AttributeRenderer();
  // One line's JSON texts, refilled for every record.
  readonly #line: LogLine = {
    timestamp: '',
    traceId: '',
    spanId: '',
    traceFlags: 0,
    severityText: '""',
    severityNumber: 0,
    serviceName: '""',
    body: '',
    resourceAndScope: '',
    logAttributes: '',
    eventName: '""',
  };
  // Most records of a batch repeat these two.
  #severityText = '';
  #eventName = '';

  readonly #collector: LogRowCollector | undefined;

  constructor(capacity: number, collector: LogRowCollector | undefined) {
    this.#buffer = Buffer.allocUnsafe(capacity);
    this.#collector = collector;
  }

  scope(resource: ResourceColumns, scope: ScopeColumns): void {
    this.#collector?.scope(resource, scope);
    this.#line.serviceName = jsonString(resource.serviceName);
    this.#line.resourceAndScope = resourceAndScopeJson(
      jsonString(resource.schemaUrl),
      resource.attributesJson,
      jsonString(scope.schemaUrl),
      jsonString(scope.name),
      jsonString(scope.version),
      scope.attributesJson,
    );
  }

  record(record: Readonly<RecordColumns>): void {
    this.#collector?.record(record);
    const line = this.#line;
    if (record.severityText !== this.#severityText) {
      this.#severityText = record.severityText;
      line.severityText = jsonString(record.severityText);
    }
    if (record.eventName !== this.#eventName) {
      this.#eventName = record.eventName;
      line.eventName = jsonString(record.eventName);
    }
    line.timestamp = record.timestamp;
    // Lowercase hex or '': nothing to escape.
    line.traceId = `"${record.traceId}"`;
    line.spanId = `"${record.spanId}"`;
    line.traceFlags = record.traceFlags;
    line.severityNumber = record.severityNumber;
    line.body = jsonString(record.body);
    line.logAttributes = this.#logAttributes.renderJson(record.attributes);
    this.#lines += logRowLine(line);
    if (++this.#linesPending === LINES_PER_WRITE) this.#flush();
  }

  payload(): Buffer {
    this.#flush();
    return this.#buffer.subarray(0, this.#length);
  }

  #flush(): void {
    const lines = this.#lines;
    const room = this.#buffer.length - this.#length;
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; count exactly only when that is too many.
    if (room < lines.length * 3) {
      const bytes = Buffer.byteLength(lines, 'utf8');
      if (room < bytes) this.#grow(bytes);
    }
    // Bytes that were not UTF-8 in the request are written back as themselves (rawBytes.ts).
    this.#length += lines.isWellFormed()
      ? this.#buffer.write(lines, this.#length, 'utf8')
      : writeKeepingBytes(lines, this.#buffer, this.#length);
    this.#lines = '';
    this.#linesPending = 0;
  }

  #grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + needed));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}
