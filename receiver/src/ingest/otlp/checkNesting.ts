import { anyValueKind } from './anyValueKind.ts';
import { MAX_ANY_VALUE_DEPTH } from './limits.ts';
import type { AnyValue } from './types.ts';

/**
 * Whether a value nests deeper than MAX_ANY_VALUE_DEPTH (the value itself is at `depth`).
 * Scalars return at once — the common case on the hot path.
 */
export function nestsTooDeep(value: AnyValue | null, depth: number): boolean {
  switch (anyValueKind(value)) {
    case 'kvlist': {
      const entries = value?.kvlistValue?.values ?? [];
      if (entries.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) return true;
      return entries.some((entry) => nestsTooDeep(entry.value, depth + 1));
    }
    case 'array': {
      const items = value?.arrayValue?.values ?? [];
      if (items.length > 0 && depth >= MAX_ANY_VALUE_DEPTH) return true;
      return items.some((item) => nestsTooDeep(item, depth + 1));
    }
    default:
      return false;
  }
}
