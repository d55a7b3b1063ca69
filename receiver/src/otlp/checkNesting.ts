import { MAX_ANY_VALUE_DEPTH } from './limits.ts';
import type { AnyValue } from './types.ts';

/**
 * Whether a value nests deeper than MAX_ANY_VALUE_DEPTH (the value itself is at `depth`).
 * Scalars return at once — the common case on the hot path.
 */
export function nestsTooDeep(value: AnyValue | null, depth: number): boolean {
  if (value === null) return false;
  const list = value.kvlistValue;
  if (list) {
    if (list.values.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) return true;
    for (const entry of list.values) if (nestsTooDeep(entry.value, depth + 1)) return true;
    return false;
  }
  const array = value.arrayValue;
  if (array) {
    if (array.values.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) return true;
    for (const item of array.values) if (nestsTooDeep(item, depth + 1)) return true;
  }
  return false;
}
