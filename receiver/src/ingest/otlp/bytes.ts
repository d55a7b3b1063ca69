/** A Buffer view of the same memory, for Node's native hex and base64 encoders. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Lowercase hex of a trace or span id, or '' when absent or all zeros (an invalid id). */
export function idToHex(id: Uint8Array): string {
  const length = id.length;
  if (length === 0) return '';
  for (let i = 0; i < length; i++) {
    if (id[i] !== 0) return asBuffer(id).toString('hex');
  }
  return '';
}

/** Standard base64 with padding, as Go's base64.StdEncoding. */
export function toBase64(bytes: Uint8Array): string {
  return bytes.length === 0 ? '' : asBuffer(bytes).toString('base64');
}
