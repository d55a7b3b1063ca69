import { EMPTY_BYTES } from './bytes.ts';
import {
  ExactJsonNumber,
  JsonFieldError,
  NeedsExactNumbers,
  expected,
  readBool,
  readBytes,
  readDouble,
  readEnum,
  readHexId,
  readInt32,
  readInt64,
  readString,
  readUint32,
} from './jsonScalars.ts';
import { MAX_ANY_VALUE_DEPTH, SPAN_ID_BYTES, TRACE_ID_BYTES } from './limits.ts';
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

/** Adds a path segment to a JsonFieldError passing outwards; other errors pass unchanged. */
function within(error: unknown, segment: string): unknown {
  if (error instanceof JsonFieldError) error.segments.push(segment);
  return error;
}

type JsonObject = Readonly<Record<string, unknown>>;

const NO_FIELDS: JsonObject = Object.freeze({});

/** A message: null (all defaults) reads as an object without fields. */
function readFields(value: unknown): JsonObject {
  return readObject(value) ?? NO_FIELDS;
}

function readObject(value: unknown): JsonObject | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof ExactJsonNumber) {
    throw expected('an object', value);
  }
  return value as JsonObject;
}

const NO_ITEMS: readonly never[] = Object.freeze([]);

/** A repeated field; each element read by `read`, errors located by index. */
function readList<T>(value: unknown, read: (item: unknown) => T): readonly T[] {
  if (value === null) return NO_ITEMS;
  if (!Array.isArray(value)) throw expected('an array', value);
  const items = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      items[i] = read(value[i]);
    } catch (error) {
      throw within(error, `[${i}]`);
    }
  }
  return items;
}

function readExportRequest(json: unknown): ExportRequest {
  const object = readFields(json);
  let resourceLogs: readonly ResourceLogs[] = NO_ITEMS;
  let key = '';
  try {
    for (key in object) {
      if (key === 'resourceLogs' || key === 'resource_logs') resourceLogs = readList(object[key], readResourceLogs);
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return { resourceLogs };
}

function readResourceLogs(json: unknown): ResourceLogs {
  const object = readFields(json);
  let resource: Resource | null = null;
  let scopeLogs: readonly ScopeLogs[] = NO_ITEMS;
  let schemaUrl = '';
  let key = '';
  try {
    for (key in object) {
      const value = object[key];
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
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return { resource, scopeLogs, schemaUrl };
}

function readResource(json: unknown): Resource | null {
  const object = readObject(json);
  if (object === null) return null;
  let attributes: readonly KeyValue[] = NO_ITEMS;
  let droppedAttributesCount = 0;
  let key = '';
  try {
    for (key in object) {
      const value = object[key];
      if (key === 'attributes') attributes = readAttributes(value);
      else if (key === 'droppedAttributesCount' || key === 'dropped_attributes_count') {
        droppedAttributesCount = readUint32(value);
      }
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return { attributes, droppedAttributesCount };
}

function readScopeLogs(json: unknown): ScopeLogs {
  const object = readFields(json);
  let scope: InstrumentationScope | null = null;
  let logRecords: readonly LogRecord[] = NO_ITEMS;
  let schemaUrl = '';
  let key = '';
  try {
    for (key in object) {
      const value = object[key];
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
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return { scope, logRecords, schemaUrl };
}

function readScope(json: unknown): InstrumentationScope | null {
  const object = readObject(json);
  if (object === null) return null;
  let name = '';
  let version = '';
  let attributes: readonly KeyValue[] = NO_ITEMS;
  let droppedAttributesCount = 0;
  let key = '';
  try {
    for (key in object) {
      const value = object[key];
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
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
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
  let key = '';
  try {
    for (key in object) readLogRecordField(record, key, object[key]);
  } catch (error) {
    throw within(error, `.${key}`);
  }
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

function readAttributes(value: unknown): readonly KeyValue[] {
  return readList(value, readTopKeyValue);
}

function readTopKeyValue(json: unknown): KeyValue {
  return readKeyValue(json, 1);
}

/** A KeyValue whose value sits at nesting level `depth`. */
function readKeyValue(json: unknown, depth: number): KeyValue {
  const object = readFields(json);
  let key = '';
  let value: AnyValue | null = null;
  let field = '';
  try {
    for (field in object) {
      if (field === 'key') key = readString(object[field]);
      else if (field === 'value') value = readAnyValue(object[field], depth);
    }
  } catch (error) {
    throw within(error, `.${field}`);
  }
  return { key, value };
}

const EMPTY_VALUE: AnyValue = Object.freeze({});

/**
 * An AnyValue at nesting level `depth` (1 for a body or attribute value). As in the
 * Collector's decoder, a member given as null is still that member with its default
 * (`{"arrayValue": null}` is an empty array), and the last member in the document wins.
 */
function readAnyValue(json: unknown, depth: number): AnyValue | null {
  const object = readObject(json);
  if (object === null) return null;
  let result = EMPTY_VALUE;
  let key = '';
  try {
    for (key in object) result = readAnyValueMember(key, object[key], depth) ?? result;
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return result;
}

function readAnyValueMember(key: string, value: unknown, depth: number): AnyValue | undefined {
  switch (key) {
    case 'stringValue':
    case 'string_value':
      return { value: 'stringValue', stringValue: readString(value) };
    case 'boolValue':
    case 'bool_value':
      return { value: 'boolValue', boolValue: readBool(value) };
    case 'intValue':
    case 'int_value':
      return { value: 'intValue', intValue: readInt64(value, false) };
    case 'doubleValue':
    case 'double_value':
      return { value: 'doubleValue', doubleValue: readDouble(value) };
    case 'bytesValue':
    case 'bytes_value':
      return { value: 'bytesValue', bytesValue: readBytes(value) };
    case 'arrayValue':
    case 'array_value':
      return { value: 'arrayValue', arrayValue: { values: readNested(value, depth, readArrayItem) } };
    case 'kvlistValue':
    case 'kvlist_value':
      return { value: 'kvlistValue', kvlistValue: { values: readNested(value, depth, readKeyValue) } };
    case 'stringValueStrindex':
    case 'string_value_strindex':
      // Profiles' string-table index: meaningless in logs; pdata treats the value as empty.
      readInt32(value);
      return EMPTY_VALUE;
    default:
      return undefined;
  }
}

function readArrayItem(json: unknown, depth: number): AnyValue {
  return readAnyValue(json, depth) ?? EMPTY_VALUE;
}

/** The `values` of an ArrayValue or KeyValueList whose items sit at `depth + 1`. */
function readNested<T>(json: unknown, depth: number, readItem: (item: unknown, depth: number) => T): readonly T[] {
  const object = readFields(json);
  let values: readonly T[] = NO_ITEMS;
  let key = '';
  try {
    for (key in object) {
      if (key !== 'values') continue;
      const items = object[key];
      if (Array.isArray(items) && items.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) {
        throw new JsonFieldError(`values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
      }
      values = readList(items, (item) => readItem(item, depth + 1));
    }
  } catch (error) {
    throw within(error, `.${key}`);
  }
  return values;
}

