import type { Int64 } from './types.ts';

const TWO_POW_32 = 4294967296;
/** Halves whose value stays within ±2^53 convert exactly through a double. */
const SAFE_HIGH = 0x200000;

/** Decimal text of a 64-bit integer, exact over the full range. */
export function int64ToDecimal(value: Int64): string {
  const low = value.low >>> 0;
  if (value.unsigned) {
    const high = value.high >>> 0;
    if (high < SAFE_HIGH) return String(high * TWO_POW_32 + low);
    return (BigInt(high) * 4294967296n + BigInt(low)).toString();
  }
  const high = value.high | 0;
  if (high >= -SAFE_HIGH && high < SAFE_HIGH) return String(high * TWO_POW_32 + low);
  return (BigInt(high) * 4294967296n + BigInt(low)).toString();
}

export function int64IsZero(value: Int64): boolean {
  return value.low === 0 && value.high === 0;
}

/** An unsigned value above 2^63 - 1: past the end of ClickHouse's DateTime64(9). */
export function uint64ExceedsInt64(value: Int64): boolean {
  return (value.high | 0) < 0;
}

/** The Int64 halves of a bigint already known to fit in 64 bits. */
export function int64FromBigInt(value: bigint, unsigned: boolean): Int64 {
  return {
    low: Number(BigInt.asIntN(32, value)),
    high: Number(BigInt.asIntN(32, value >> 32n)),
    unsigned,
  };
}

/** The Int64 halves of a safe integer (|n| <= 2^53 - 1). */
export function int64FromSafeInteger(value: number, unsigned: boolean): Int64 {
  const low = value % TWO_POW_32;
  const high = Math.floor(value / TWO_POW_32);
  // Math.floor rounds a negative value's high half down, leaving a non-negative low half.
  return { low: (low < 0 ? low + TWO_POW_32 : low) | 0, high: high | 0, unsigned };
}
