import { forEachField, NO_ITEMS, readFields, readList, readObject } from './jsonFields.ts';
import { JsonFieldError, readBool, readBytes, readDouble, readInt32, readInt64, readString } from './jsonScalars.ts';
import { MAX_ANY_VALUE_DEPTH } from './limits.ts';
import type { AnyValue, KeyValue } from './types.ts';

/* Attributes and AnyValues in the OTLP JSON encoding, with their nesting bounded. */

export function readAttributes(value: unknown): readonly KeyValue[] {
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
  forEachField(object, (field, fieldValue) => {
    if (field === 'key') key = readString(fieldValue);
    else if (field === 'value') value = readAnyValue(fieldValue, depth);
  });
  return { key, value };
}

const EMPTY_VALUE: AnyValue = Object.freeze({});

/**
 * An AnyValue at nesting level `depth` (1 for a body or attribute value). As in the
 * Collector's decoder, a member given as null is still that member with its default
 * (`{"arrayValue": null}` is an empty array), and the last member in the document wins.
 */
export function readAnyValue(json: unknown, depth: number): AnyValue | null {
  const object = readObject(json);
  if (object === null) return null;
  let result = EMPTY_VALUE;
  forEachField(object, (key, member) => {
    result = readAnyValueMember(key, member, depth) ?? result;
  });
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
  forEachField(object, (key, items) => {
    if (key !== 'values') return;
    if (Array.isArray(items) && items.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) {
      throw new JsonFieldError(`values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
    }
    values = readList(items, (item) => readItem(item, depth + 1));
  });
  return values;
}
