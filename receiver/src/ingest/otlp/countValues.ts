import { anyValueKind } from './anyValueKind.ts';
import { OtlpDecodeError } from './OtlpDecodeError.ts';
import type { AnyValue, ExportRequest, KeyValue } from './types.ts';

/**
 * Refuses a request whose record (its body and attributes), resource or scope holds more than
 * `max` values — every attribute, kvlist entry and array item counts, nested ones included. The
 * work the receiver does per record (rendering attributes, detection) grows with that number,
 * while the body limit alone lets one record carry a million attributes.
 * @throws OtlpDecodeError naming the first one over the limit (400: a retry cannot fix it).
 */
export function checkValueCounts(request: ExportRequest, max: number): void {
  request.resourceLogs.forEach((resourceLogs, r) => {
    const at = `resourceLogs[${r}]`;
    over(countAttributes(resourceLogs.resource?.attributes ?? [], max), max, `${at}.resource.attributes`);
    resourceLogs.scopeLogs.forEach((scopeLogs, s) => {
      over(countAttributes(scopeLogs.scope?.attributes ?? [], max), max, `${at}.scopeLogs[${s}].scope.attributes`);
      const records = scopeLogs.logRecords;
      for (let l = 0; l < records.length; l++) {
        const record = records[l]!;
        const count = countValue(record.body, max) + countAttributes(record.attributes, max);
        over(count, max, `${at}.scopeLogs[${s}].logRecords[${l}]`);
      }
    });
  });
}

function over(count: number, max: number, path: string): void {
  if (count > max) throw new OtlpDecodeError(`${path}: more than ${max} values (attributes, nested entries and array items counted)`);
}

/** Stops counting past `max`: the answer is only whether it is exceeded. */
function countAttributes(attributes: readonly KeyValue[], max: number): number {
  let count = 0;
  for (let i = 0; i < attributes.length && count <= max; i++) count += 1 + nestedCount(attributes[i]?.value ?? null, max - count);
  return count;
}

function countValue(value: AnyValue | null, max: number): number {
  const kind = anyValueKind(value);
  return kind === 'empty' ? 0 : 1 + nestedCount(value, max);
}

function nestedCount(value: AnyValue | null, budget: number): number {
  switch (anyValueKind(value)) {
    case 'kvlist':
      return countAttributes(value?.kvlistValue?.values ?? [], budget);
    case 'array': {
      const items = value?.arrayValue?.values ?? [];
      let count = 0;
      for (let i = 0; i < items.length && count <= budget; i++) count += 1 + nestedCount(items[i] ?? null, budget - count);
      return count;
    }
    default:
      return 0;
  }
}
