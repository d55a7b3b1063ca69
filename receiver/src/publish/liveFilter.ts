import { SEVERITIES, type Severity } from '@stacklens/processor';
import type { LiveFilter } from './types.ts';

const FILTER_KEYS = ['severity', 'service', 'store'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** Bounds on what a client may ask for, so a filter cannot become a memory or CPU sink. */
export const FILTER_LIMITS = { maxValues: 100, maxValueLength: 200 } as const;

export type FilterResult = { ok: true; filter: LiveFilter } | { ok: false; message: string };

/**
 * Checks a client-supplied filters object: only the three known keys, each a
 * list of non-empty strings (severities from the processor's scale). Empty
 * lists are dropped, so `{ severity: [] }` means no severity filter.
 */
export function parseFilter(value: unknown): FilterResult {
  if (value === undefined) return { ok: true, filter: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'filters must be an object with optional severity, service and store lists' };
  }
  const filter: LiveFilter = {};
  for (const [key, list] of Object.entries(value)) {
    if (!isFilterKey(key)) return { ok: false, message: `unknown filter "${key}": use severity, service or store` };
    const checked = checkList(key, list);
    if (typeof checked === 'string') return { ok: false, message: checked };
    if (checked.length === 0) continue;
    if (key === 'severity') filter.severity = checked as Severity[];
    else if (key === 'service') filter.service = checked;
    else filter.store = checked;
  }
  return { ok: true, filter };
}

/** The same filter from query parameters: comma-separated lists (`?severity=HIGH,CRITICAL&store=S1`). */
export function parseQueryFilter(query: Partial<Record<FilterKey, string>>): FilterResult {
  const lists: Partial<Record<FilterKey, string[]>> = {};
  for (const key of FILTER_KEYS) {
    const raw = query[key];
    if (raw !== undefined)
      lists[key] = raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
  }
  return parseFilter(lists);
}

export function isEmptyFilter(filter: LiveFilter): boolean {
  return !filter.severity?.length && !filter.service?.length && !filter.store?.length;
}

function isFilterKey(key: string): key is FilterKey {
  return (FILTER_KEYS as readonly string[]).includes(key);
}

function checkList(key: FilterKey, list: unknown): string[] | string {
  if (!Array.isArray(list)) return `filters.${key} must be a list of strings`;
  if (list.length > FILTER_LIMITS.maxValues) return `filters.${key} has more than ${FILTER_LIMITS.maxValues} values`;
  for (const item of list) {
    if (typeof item !== 'string' || item === '' || item.length > FILTER_LIMITS.maxValueLength) {
      return `filters.${key} must hold non-empty strings of at most ${FILTER_LIMITS.maxValueLength} characters`;
    }
    if (key === 'severity' && !(SEVERITIES as readonly string[]).includes(item)) {
      return `filters.severity: "${item}" is not one of ${SEVERITIES.join(', ')}`;
    }
  }
  return [...new Set(list as string[])];
}
