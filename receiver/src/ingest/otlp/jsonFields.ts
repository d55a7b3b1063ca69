import { ExactJsonNumber, JsonFieldError, expected } from './jsonScalars.ts';

/* The structure of a JSON message: objects, repeated fields, and where an error happened. */

/** Adds a path segment to a JsonFieldError passing outwards; other errors pass unchanged. */
export function within(error: unknown, segment: string): unknown {
  if (error instanceof JsonFieldError) error.segments.push(segment);
  return error;
}

export type JsonObject = Readonly<Record<string, unknown>>;

/** Visits a message's fields in document order; an error names the field it came from. */
export function forEachField(object: JsonObject, visit: (key: string, value: unknown) => void): void {
  let key = '';
  try {
    for (key in object) visit(key, object[key]);
  } catch (error) {
    throw within(error, `.${key}`);
  }
}

const NO_FIELDS: JsonObject = Object.freeze({});

/** A message: null (all defaults) reads as an object without fields. */
export function readFields(value: unknown): JsonObject {
  return readObject(value) ?? NO_FIELDS;
}

export function readObject(value: unknown): JsonObject | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof ExactJsonNumber) {
    throw expected('an object', value);
  }
  return value as JsonObject;
}

export const NO_ITEMS: readonly never[] = Object.freeze([]);

/** A repeated field; each element read by `read`, errors located by index. */
export function readList<T>(value: unknown, read: (item: unknown) => T): readonly T[] {
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
