import type { AnyValue } from './types.ts';

export type AnyValueKind = 'string' | 'bool' | 'int' | 'double' | 'array' | 'kvlist' | 'bytes' | 'empty';

const hasOwn = Object.hasOwn;

/**
 * Which oneof member of an AnyValue is set. protobufjs leaves only the last member seen on the
 * wire as an own property and keeps defaults for the others on the prototype, so own
 * properties are the only reliable test. A member we do not render (string_value_strindex,
 * used by profiles only) counts as empty, as in the Collector's pdata.
 */
export function anyValueKind(value: AnyValue | null | undefined): AnyValueKind {
  if (value === null || value === undefined) return 'empty';
  // Fast path: the prototype's default is '', so a non-empty string is always the set member.
  const text = value.stringValue;
  if ((typeof text === 'string' && text !== '') || hasOwn(value, 'stringValue')) return 'string';
  if (hasOwn(value, 'intValue')) return 'int';
  if (hasOwn(value, 'boolValue')) return 'bool';
  if (hasOwn(value, 'doubleValue')) return 'double';
  if (hasOwn(value, 'kvlistValue') && value.kvlistValue) return 'kvlist';
  if (hasOwn(value, 'arrayValue') && value.arrayValue) return 'array';
  if (hasOwn(value, 'bytesValue')) return 'bytes';
  return 'empty';
}
