import { EMPTY_BYTES } from './bytes.ts';
import { int64FromBigInt, int64FromSafeInteger } from './int64.ts';
import type { Int64 } from './types.ts';

/*
 * Readers for the scalar fields of the OTLP JSON mapping (protobuf's JSON mapping with OTLP's
 * changes: ids in hex, enums as numbers). `null` means "default" everywhere, as in protobuf
 * JSON. A reader throws JsonFieldError; the message walkers add the field path to it.
 */

/** A bad value; `segments` collects the path from the field outwards as the error unwinds. */
export class JsonFieldError extends Error {
  readonly detail: string;
  readonly segments: string[] = [];

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
}

/**
 * The source text of a number JSON.parse could not hold exactly (an integer beyond ±2^53),
 * captured by the reviver from its `context.source`.
 */
export class ExactJsonNumber {
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }
}

/**
 * Thrown when an int64 field holds a number JSON.parse already rounded: the document must be
 * parsed again with the source-capturing reviver (slower, so only on demand).
 */
export class NeedsExactNumbers extends Error {}

export function readString(value: unknown): string {
  if (value === null) return '';
  if (typeof value !== 'string') throw expected('a string', value);
  // Go strings cannot hold lone surrogates; the Collector would have turned them into U+FFFD.
  return value.isWellFormed() ? value : value.toWellFormed();
}

export function readBool(value: unknown): boolean {
  if (value === null) return false;
  if (typeof value !== 'boolean') throw expected('true or false', value);
  return value;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;

export function readInt32(value: unknown): number {
  return readSmallInteger(value, INT32_MIN, INT32_MAX, 'a 32-bit integer');
}

export function readUint32(value: unknown): number {
  return readSmallInteger(value, 0, UINT32_MAX, 'an unsigned 32-bit integer');
}

const DECIMAL_INTEGER = /^-?\d+$/;

function readSmallInteger(value: unknown, min: number, max: number, what: string): number {
  if (value === null) return 0;
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) number = Number(value);
  else throw expected(what, value);
  if (!Number.isInteger(number) || number < min || number > max) throw expected(what, value);
  return number;
}

/**
 * An enum as its number or its name (protobuf JSON allows both; OTLP sends numbers). A number
 * in a string ("9") is neither, and the Collector refuses it too.
 */
export function readEnum(value: unknown, valuesByName: Readonly<Record<string, number>>): number {
  if (typeof value !== 'string') {
    if (typeof value !== 'number') throw expected('a known enum name or number', value);
    return readInt32(value);
  }
  const number = Object.hasOwn(valuesByName, value) ? valuesByName[value] : undefined;
  if (number === undefined) throw expected('a known enum name or number', value);
  return number;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const ZERO_INT64: Int64 = Object.freeze({ low: 0, high: 0, unsigned: false });
const ZERO_UINT64: Int64 = Object.freeze({ low: 0, high: 0, unsigned: true });

/** A 64-bit integer from a string or a number, exactly (OTLP JSON sends times as strings). */
export function readInt64(value: unknown, unsigned: boolean): Int64 {
  if (value === null) return unsigned ? ZERO_UINT64 : ZERO_INT64;
  const what = unsigned ? 'an unsigned 64-bit integer' : 'a 64-bit integer';
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      if (unsigned && value < 0) throw expected(what, value);
      return int64FromSafeInteger(value, unsigned);
    }
    // JSON.parse rounded this integer; only the source text has its value.
    if (Number.isInteger(value)) throw new NeedsExactNumbers();
    throw expected(what, value);
  }
  const text = typeof value === 'string' ? value : value instanceof ExactJsonNumber ? value.source : undefined;
  if (text === undefined || !DECIMAL_INTEGER.test(text)) throw expected(what, value);
  const big = BigInt(text);
  if (unsigned ? big < 0n || big > UINT64_MAX : big < INT64_MIN || big > INT64_MAX) throw expected(what, value);
  return int64FromBigInt(big, unsigned);
}

const FLOAT_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_DOUBLES: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A double from a number, a numeric string, or "NaN" / "Infinity" / "-Infinity". */
export function readDouble(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === 'number') return value;
  const text = typeof value === 'string' ? value : value instanceof ExactJsonNumber ? value.source : undefined;
  if (text !== undefined) {
    if (Object.hasOwn(SPECIAL_DOUBLES, text)) return SPECIAL_DOUBLES[text] ?? NaN;
    if (FLOAT_TEXT.test(text)) return Number(text);
  }
  throw expected('a number', value);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Bytes as base64, standard or URL-safe, padded or not (protobuf JSON accepts all four). */
export function readBytes(value: unknown): Uint8Array {
  if (value === null) return EMPTY_BYTES;
  if (typeof value !== 'string' || !BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw expected('base64', value);
  }
  return Buffer.from(value, 'base64');
}

const HEX = /^[0-9a-fA-F]*$/;

/** A trace or span id: hex in any case (OTLP's change to the JSON mapping), '' when absent. */
export function readHexId(value: unknown, byteLength: number): Uint8Array {
  if (value === null || value === '') return EMPTY_BYTES;
  if (typeof value !== 'string' || value.length !== byteLength * 2 || !HEX.test(value)) {
    throw expected(`${byteLength * 2} hex characters`, value);
  }
  return Buffer.from(value, 'hex');
}

export function expected(what: string, value: unknown): JsonFieldError {
  return new JsonFieldError(`expected ${what}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value instanceof ExactJsonNumber) return value.source;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
