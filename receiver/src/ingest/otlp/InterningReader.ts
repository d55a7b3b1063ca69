import protobuf from 'protobufjs';
import { decodeUtf8KeepingBytes } from './rawBytes.ts';

/** Strings up to this many bytes are looked up in the cache; longer ones are always decoded. */
const MAX_INTERNED_BYTES = 32;
/** Cache slots (a power of two): enough for the keys and recurring values of many batches. */
const SLOTS = 4096;

const cachedStrings: string[] = new Array<string>(SLOTS).fill('');
const cachedHashes = new Int32Array(SLOTS);

interface NodeBuffer extends Uint8Array {
  /** Node's UTF-8 decoder, the one protobufjs's BufferReader uses (U+FFFD for bad bytes, which utf8String keeps instead). */
  utf8Slice(start: number, end: number): string;
}

/**
 * A protobufjs reader whose short strings come from a small cache: attribute keys and most
 * values (store ids, severities, error codes) recur in every record, and decoding each copy
 * natively took about half of the decoding time. Only plain ASCII strings are cached, and a
 * hit is checked byte by byte, so the result is always the string the plain reader returns.
 */
export class InterningReader extends protobuf.BufferReader {
  override string(): string {
    const length = this.size();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw RangeError(`index out of range: ${this.pos} + ${length} > ${this.len}`);
    this.pos = end;
    const buffer = this.buf as NodeBuffer;
    return length <= MAX_INTERNED_BYTES ? internedString(buffer, start, end) : utf8String(buffer, start, end);
  }
}

/**
 * Node's decoder, unless it had to replace something: then the bytes that are not UTF-8 are
 * kept (escaped, see rawBytes.ts), as the Collector keeps them. A U+FFFD in the text is rare,
 * so the check costs little and the slow decoder runs almost never.
 */
function utf8String(buffer: NodeBuffer, start: number, end: number): string {
  const text = buffer.utf8Slice(start, end);
  return text.includes('\uFFFD') ? decodeUtf8KeepingBytes(buffer, start, end) : text;
}

function internedString(buffer: NodeBuffer, start: number, end: number): string {
  const hash = asciiHash(buffer, start, end);
  if (hash === NOT_ASCII) return utf8String(buffer, start, end);
  const slot = (hash ^ (hash >>> 15)) & (SLOTS - 1);
  const cached = cachedStrings[slot]!;
  if (cachedHashes[slot] === hash && cached.length === end - start && sameAscii(cached, buffer, start)) return cached;
  const decoded = buffer.utf8Slice(start, end);
  cachedStrings[slot] = decoded;
  cachedHashes[slot] = hash;
  return decoded;
}

/** What asciiHash returns for bytes that are not all ASCII (an ASCII string hashing to it is just never cached). */
export const NOT_ASCII = -1;

/** FNV-1a of the bytes when they are all ASCII, else NOT_ASCII. Exported for tests. */
export function asciiHash(buffer: Uint8Array, start: number, end: number): number {
  let hash = end - start;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const byte = buffer[i]!;
    bits |= byte;
    hash = Math.imul(hash ^ byte, 16777619);
  }
  return bits < 0x80 ? hash : NOT_ASCII;
}

function sameAscii(text: string, buffer: NodeBuffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== buffer[start + i]) return false;
  }
  return true;
}
