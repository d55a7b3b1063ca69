/**
 * Just enough of the protobuf wire format to read an OTLP logs request in tests without a
 * code generator: each message is read as a list of (field number, value) pairs.
 */
export type WireValue = { kind: 'varint'; value: bigint } | { kind: 'bytes'; value: Uint8Array } | { kind: 'fixed'; value: Uint8Array };

export interface WireField {
  field: number;
  value: WireValue;
}

export function readMessage(buffer: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [tag, afterTag] = readVarint(buffer, offset);
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    const [value, next] = readValue(buffer, afterTag, wireType);
    fields.push({ field, value });
    offset = next;
  }
  return fields;
}

function readValue(buffer: Uint8Array, offset: number, wireType: number): [WireValue, number] {
  switch (wireType) {
    case 0: {
      const [value, next] = readVarint(buffer, offset);
      return [{ kind: 'varint', value }, next];
    }
    case 1:
      return [{ kind: 'fixed', value: buffer.subarray(offset, offset + 8) }, offset + 8];
    case 2: {
      const [length, start] = readVarint(buffer, offset);
      const end = start + Number(length);
      return [{ kind: 'bytes', value: buffer.subarray(start, end) }, end];
    }
    case 5:
      return [{ kind: 'fixed', value: buffer.subarray(offset, offset + 4) }, offset + 4];
    default:
      throw new Error(`unsupported wire type ${wireType} at offset ${offset}`);
  }
}

function readVarint(buffer: Uint8Array, offset: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let position = offset;
  for (;;) {
    const byte = buffer[position];
    if (byte === undefined) throw new Error('truncated varint');
    position += 1;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, position];
    shift += 7n;
  }
}

export function bytesOf(fields: WireField[], field: number): Uint8Array[] {
  return fields.filter((f) => f.field === field && f.value.kind === 'bytes').map((f) => f.value.value as Uint8Array);
}

export function varintOf(fields: WireField[], field: number): bigint | undefined {
  const found = fields.find((f) => f.field === field && f.value.kind === 'varint');
  return found?.value.kind === 'varint' ? found.value.value : undefined;
}

export function fixedOf(fields: WireField[], field: number): Uint8Array | undefined {
  const found = fields.find((f) => f.field === field && f.value.kind === 'fixed');
  return found?.value.kind === 'fixed' ? found.value.value : undefined;
}
