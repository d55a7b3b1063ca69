import { anyValueKind } from './anyValueKind.ts';
import { toBase64 } from './bytes.ts';
import { compareUtf8, formatGoFloat, quoteGoJsonString } from './goFormat.ts';
import { int64ToDecimal } from './int64.ts';
import type { AnyValue, KeyValue } from './types.ts';

/**
 * An AnyValue as text, exactly as pdata's `Value.AsString()` (Collector ≥ v0.152) renders it:
 * the clickhouseexporter writes bodies and attribute values this way.
 */
export function renderAnyValue(value: AnyValue | null | undefined): string {
  switch (anyValueKind(value)) {
    case 'string':
      return value?.stringValue ?? '';
    case 'int':
      return value?.intValue ? int64ToDecimal(value.intValue) : '0';
    case 'bool':
      return value?.boolValue ? 'true' : 'false';
    case 'double':
      return renderDouble(value?.doubleValue ?? 0);
    case 'bytes':
      return value?.bytesValue ? toBase64(value.bytesValue) : '';
    case 'kvlist':
    case 'array':
      return marshalStructured(value);
    case 'empty':
      return '';
  }
}

/** pdata spells non-finite doubles the way the OTel spec's JSON representation does. */
function renderDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return formatGoFloat(value);
}

/** Go's encoding/json refuses NaN and ±Inf; pdata then ignores the error and renders ''. */
class UnsupportedJsonValue extends Error {}

/** A map or array as Go's encoding/json marshals pdata's `AsRaw()` of it. */
function marshalStructured(value: AnyValue | null | undefined): string {
  try {
    return marshalRaw(value);
  } catch (error) {
    if (error instanceof UnsupportedJsonValue) return '';
    throw error;
  }
}

function marshalRaw(value: AnyValue | null | undefined): string {
  switch (anyValueKind(value)) {
    case 'string':
      return quoteGoJsonString(value?.stringValue ?? '');
    case 'int':
      return value?.intValue ? int64ToDecimal(value.intValue) : '0';
    case 'bool':
      return value?.boolValue ? 'true' : 'false';
    case 'double':
      return marshalDouble(value?.doubleValue ?? 0);
    case 'bytes':
      // AsRaw copies bytes into a nil slice, so empty bytes marshal as null.
      return value?.bytesValue?.length ? `"${toBase64(value.bytesValue)}"` : 'null';
    case 'kvlist':
      return marshalMap(value?.kvlistValue?.values ?? []);
    case 'array':
      return marshalArray(value?.arrayValue?.values ?? []);
    case 'empty':
      return 'null';
  }
}

function marshalDouble(value: number): string {
  if (!Number.isFinite(value)) throw new UnsupportedJsonValue();
  return formatGoFloat(value);
}

function marshalArray(values: readonly AnyValue[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += marshalRaw(values[i]);
  }
  return out + ']';
}

/** AsRaw builds a Go map (a later duplicate key wins); encoding/json sorts its keys. */
function marshalMap(entries: readonly KeyValue[]): string {
  const byKey = new Map<string, AnyValue | null>();
  for (const entry of entries) byKey.set(entry.key, entry.value);
  const keys = [...byKey.keys()].sort(compareUtf8);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? '';
    if (i > 0) out += ',';
    out += quoteGoJsonString(key) + ':' + marshalRaw(byKey.get(key));
  }
  return out + '}';
}
