import type { AnyValue } from './types.ts';

export type AnyValueKind = 'string' | 'bool' | 'int' | 'double' | 'array' | 'kvlist' | 'bytes' | 'empty';

const hasOwn = Object.hasOwn;

/**
 * Which oneof member of an AnyValue is set. Decoded values name it in `value` (the last
 * member on the wire or in the document, as in the Collector). A member we do not render
 * (string_value_strindex, used by profiles only) counts as empty, as in the Collector's pdata.
 */
export function anyValueKind(value: AnyValue | null | undefined): AnyValueKind {
  if (value === null || value === undefined) return 'empty';
  switch (value.value) {
    case 'stringValue':
      return 'string';
    case 'intValue':
      return 'int';
    case 'boolValue':
      return 'bool';
    case 'doubleValue':
      return 'double';
    case 'kvlistValue':
      return value.kvlistValue ? 'kvlist' : 'empty';
    case 'arrayValue':
      return value.arrayValue ? 'array' : 'empty';
    case 'bytesValue':
      return 'bytes';
    case undefined:
      return kindFromOwnMembers(value);
    default:
      return 'empty';
  }
}

/**
 * For values built without the member name: the one own member. protobufjs keeps defaults
 * for all members on the prototype, so a plain property read cannot tell.
 */
function kindFromOwnMembers(value: AnyValue): AnyValueKind {
  if (hasOwn(value, 'stringValue')) return 'string';
  if (hasOwn(value, 'intValue')) return 'int';
  if (hasOwn(value, 'boolValue')) return 'bool';
  if (hasOwn(value, 'doubleValue')) return 'double';
  if (hasOwn(value, 'kvlistValue') && value.kvlistValue) return 'kvlist';
  if (hasOwn(value, 'arrayValue') && value.arrayValue) return 'array';
  if (hasOwn(value, 'bytesValue')) return 'bytes';
  return 'empty';
}
