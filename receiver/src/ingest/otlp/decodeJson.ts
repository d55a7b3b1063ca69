import { EMPTY_BYTES } from './bytes.ts';
import { readAnyValue, readAttributes } from './jsonAnyValue.ts';
import { forEachField, NO_ITEMS, readFields, readList, readObject } from './jsonFields.ts';
import {
  ExactJsonNumber,
  JsonFieldError,
  NeedsExactNumbers,
  readEnum,
  readHexId,
  readInt64,
  readString,
  readUint32,
} from './jsonScalars.ts';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './limits.ts';
import { OtlpDecodeError } from './OtlpDecodeError.ts';
import { SeverityNumberEnum } from './otlpProto.ts';
import type {
  AnyValue,
  ExportRequest,
  InstrumentationScope,
  Int64,
  KeyValue,
  LogRecord,
  Resource,
  ResourceLogs,
  ScopeLogs,
} from './types.ts';

/*
 * The OTLP/HTTP JSON encoding: protobuf's JSON mapping with OTLP's changes (hex ids, enums as
 * numbers). Field names may be lowerCamelCase or the proto names; unknown fields are ignored;
 * when a field appears under both names, the later one in the document wins (as in the
 * Collector's decoder).
 */

/**
 * Decodes an OTLP/HTTP JSON body (already decompressed) into the same shape the protobuf
 * decoder produces.
 * @throws OtlpDecodeError naming the field path of the first bad value.
 */
export function decodeJsonRequest(text: string): ExportRequest {
  try {
    return readExportRequest(parseJson(text, false));
  } catch (error) {
    if (!(error instanceof NeedsExactNumbers)) throw asDecodeError(error);
  }
  try {
    return readExportRequest(parseJson(text, true));
  } catch (error) {
    throw asDecodeError(error);
  }
}

/**
 * JSON.parse loses integers beyond 2^53; with `exact`, a reviver keeps their source text
 * (Node ≥ 22 passes it as `context.source`). Most requests need no second parse: OTLP
 * clients send 64-bit values as strings.
 */
function parseJson(text: string, exact: boolean): unknown {
  try {
    return exact ? JSON.parse(text, keepExactIntegers) : JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new OtlpDecodeError('invalid JSON: nested too deeply', { cause: error });
    throw new OtlpDecodeError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function keepExactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source) {
    return new ExactJsonNumber(context.source);
  }
  return value;
}

function asDecodeError(error: unknown): unknown {
  if (error instanceof JsonFieldError) {
    const path = error.segments.reverse().join('').replace(/^\./, '') || '(request)';
    return new OtlpDecodeError(`${path}: ${error.detail}`);
  }
  if (error instanceof RangeError) {
    // A stack overflow: no walker recurses without bound, so report rather than crash.
    return new OtlpDecodeError('JSON request nested too deeply', { cause: error });
  }
  return error;
}

function readExportRequest(json: unknown): ExportRequest {
  const object = readFields(json);
  let resourceLogs: readonly ResourceLogs[] = NO_ITEMS;
  forEachField(object, (key, value) => {
    if (key === 'resourceLogs' || key === 'resource_logs') resourceLogs = readList(value, readResourceLogs);
  });
  return { resourceLogs };
}

function readResourceLogs(json: unknown): ResourceLogs {
  const object = readFields(json);
  let resource: Resource | null = null;
  let scopeLogs: readonly ScopeLogs[] = NO_ITEMS;
  let schemaUrl = '';
  forEachField(object, (key, value) => {
    switch (key) {
      case 'resource':
        resource = readResource(value);
        break;
      case 'scopeLogs':
      case 'scope_logs':
        scopeLogs = readList(value, readScopeLogs);
        break;
      case 'schemaUrl':
      case 'schema_url':
        schemaUrl = readString(value);
        break;
    }
  });
  return { resource, scopeLogs, schemaUrl };
}

function readResource(json: unknown): Resource | null {
  const object = readObject(json);
  if (object === null) return null;
  let attributes: readonly KeyValue[] = NO_ITEMS;
  let droppedAttributesCount = 0;
  forEachField(object, (key, value) => {
    if (key === 'attributes') attributes = readAttributes(value);
    else if (key === 'droppedAttributesCount' || key === 'dropped_attributes_count') {
      droppedAttributesCount = readUint32(value);
    }
  });
  return { attributes, droppedAttributesCount };
}

function readScopeLogs(json: unknown): ScopeLogs {
  const object = readFields(json);
  let scope: InstrumentationScope | null = null;
  let logRecords: readonly LogRecord[] = NO_ITEMS;
  let schemaUrl = '';
  forEachField(object, (key, value) => {
    switch (key) {
      case 'scope':
        scope = readScope(value);
        break;
      case 'logRecords':
      case 'log_records':
        logRecords = readList(value, readLogRecord);
        break;
      case 'schemaUrl':
      case 'schema_url':
        schemaUrl = readString(value);
        break;
    }
  });
  return { scope, logRecords, schemaUrl };
}

function readScope(json: unknown): InstrumentationScope | null {
  const object = readObject(json);
  if (object === null) return null;
  let name = '';
  let version = '';
  let attributes: readonly KeyValue[] = NO_ITEMS;
  let droppedAttributesCount = 0;
  forEachField(object, (key, value) => {
    switch (key) {
      case 'name':
        name = readString(value);
        break;
      case 'version':
        version = readString(value);
        break;
      case 'attributes':
        attributes = readAttributes(value);
        break;
      case 'droppedAttributesCount':
      case 'dropped_attributes_count':
        droppedAttributesCount = readUint32(value);
        break;
    }
  });
  return { name, version, attributes, droppedAttributesCount };
}

const SEVERITY_NUMBERS: Readonly<Record<string, number>> = SeverityNumberEnum.values;

/** Builds the record field by field, so a LogRecord always has every field, as protobuf's do. */
class LogRecordFields {
  timeUnixNano: Int64 = readInt64(null, true);
  observedTimeUnixNano: Int64 = readInt64(null, true);
  severityNumber = 0;
  severityText = '';
  body: AnyValue | null = null;
  attributes: readonly KeyValue[] = NO_ITEMS;
  droppedAttributesCount = 0;
  flags = 0;
  traceId: Uint8Array = EMPTY_BYTES;
  spanId: Uint8Array = EMPTY_BYTES;
  eventName = '';
}

function readLogRecord(json: unknown): LogRecord {
  const object = readFields(json);
  const record = new LogRecordFields();
  forEachField(object, (key, value) => readLogRecordField(record, key, value));
  return record;
}

function readLogRecordField(record: LogRecordFields, key: string, value: unknown): void {
  switch (key) {
    case 'timeUnixNano':
    case 'time_unix_nano':
      record.timeUnixNano = readInt64(value, true);
      break;
    case 'observedTimeUnixNano':
    case 'observed_time_unix_nano':
      record.observedTimeUnixNano = readInt64(value, true);
      break;
    case 'severityNumber':
    case 'severity_number':
      record.severityNumber = value === null ? 0 : readEnum(value, SEVERITY_NUMBERS);
      break;
    case 'severityText':
    case 'severity_text':
      record.severityText = readString(value);
      break;
    case 'body':
      record.body = readAnyValue(value, 1);
      break;
    case 'attributes':
      record.attributes = readAttributes(value);
      break;
    case 'droppedAttributesCount':
    case 'dropped_attributes_count':
      record.droppedAttributesCount = readUint32(value);
      break;
    case 'flags':
      record.flags = readUint32(value);
      break;
    case 'traceId':
    case 'trace_id':
      record.traceId = readHexId(value, TRACE_ID_BYTES);
      break;
    case 'spanId':
    case 'span_id':
      record.spanId = readHexId(value, SPAN_ID_BYTES);
      break;
    case 'eventName':
    case 'event_name':
      record.eventName = readString(value);
      break;
  }
}
