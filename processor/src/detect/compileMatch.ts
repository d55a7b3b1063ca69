import type { PipelineRecord, RuleMatch } from '../types.ts';

/** A rule's conditions as one function; `errorCode` is the record's `error.code`, looked up once per record. */
export type RecordPredicate = (record: PipelineRecord, errorCode: string | undefined) => boolean;

export const ERROR_CODE = 'error.code';
const EXCEPTION_KEYS = ['exception.type', 'exception.message', 'exception.stacktrace'] as const;

export function hasException(attributes: Readonly<Record<string, string>>): boolean {
  return (
    attributes[EXCEPTION_KEYS[0]] !== undefined ||
    attributes[EXCEPTION_KEYS[1]] !== undefined ||
    attributes[EXCEPTION_KEYS[2]] !== undefined
  );
}

/**
 * Compiles a match into a predicate once, when the rules load: regexes built, value lists
 * turned into sets, conditions ordered cheapest first (a number compare before a hash lookup
 * before a regex), so the per-record work is only the checks themselves.
 */
export function compileMatch(match: RuleMatch): RecordPredicate {
  const checks: RecordPredicate[] = [];
  const { minSeverityNumber } = match;
  if (minSeverityNumber !== undefined) checks.push((record) => record.SeverityNumber >= minSeverityNumber);
  if (match.errorCode !== undefined) {
    const isCode = oneOf(match.errorCode);
    checks.push((_record, errorCode) => errorCode !== undefined && isCode(errorCode));
  }
  if (match.service !== undefined) {
    const isService = oneOf(match.service);
    checks.push((record) => isService(record.ServiceName));
  }
  if (match.hasException !== undefined) {
    const wanted = match.hasException;
    checks.push((record) => hasException(record.LogAttributes) === wanted);
  }
  if (match.attributes !== undefined) {
    const pairs = Object.entries(match.attributes);
    checks.push((record) => pairs.every(([key, value]) => record.LogAttributes[key] === value));
  }
  if (match.bodyRegex !== undefined) {
    // No g or y flag: test() keeps no state between records.
    const regex = new RegExp(match.bodyRegex);
    checks.push((record) => regex.test(record.Body));
  }
  if (match.any !== undefined) {
    const alternatives = match.any.map(compileMatch);
    checks.push((record, errorCode) => alternatives.some((alternative) => alternative(record, errorCode)));
  }
  if (checks.length === 1) return checks[0] as RecordPredicate;
  return (record, errorCode) => {
    for (const check of checks) if (!check(record, errorCode)) return false;
    return true;
  };
}

function oneOf(values: string | string[]): (value: string) => boolean {
  if (typeof values === 'string') return (value) => value === values;
  if (values.length === 1) {
    const only = values[0];
    return (value) => value === only;
  }
  const set = new Set(values);
  return (value) => set.has(value);
}
