/*
 * The one decoded shape of an OTLP logs export request, whichever encoding it came in.
 *
 * It is structurally the object tree protobufjs decodes to, so the protobuf path hands its
 * messages over without copying them; the JSON decoder builds plain objects of the same shape.
 * Two consequences for readers:
 *  - protobufjs keeps absent fields' defaults on the message prototype (`''`, `0`, a zero
 *    `Int64`, an empty array for bytes and repeated fields, `null` for messages), so read
 *    fields directly and never test with `in` or `Object.keys`;
 *  - in an `AnyValue` the prototype also carries defaults for every oneof member, so which
 *    member is set is known only from `value` (or own properties): use `anyValueKind()`.
 */

/** A 64-bit integer as two's-complement 32-bit halves: the shape of protobufjs's `Long`. */
export interface Int64 {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

/** The members of AnyValue's `value` oneof. */
export type AnyValueMember =
  'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue' | 'stringValueStrindex';

/** common.v1.AnyValue. Which member is set: read it with `anyValueKind()`. */
export interface AnyValue {
  /**
   * The set member's name, as protobufjs names a oneof's member. Both decoders set it; when
   * it is absent (a value built by hand) the set member is the one own property.
   */
  readonly value?: AnyValueMember | undefined;
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: Int64;
  readonly doubleValue?: number;
  readonly arrayValue?: ArrayValue | null;
  readonly kvlistValue?: KeyValueList | null;
  readonly bytesValue?: Uint8Array;
}

export interface ArrayValue {
  readonly values: readonly AnyValue[];
}

export interface KeyValueList {
  readonly values: readonly KeyValue[];
}

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue | null;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

export interface Resource {
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

export interface LogRecord {
  readonly timeUnixNano: Int64;
  readonly observedTimeUnixNano: Int64;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: AnyValue | null;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
  readonly flags: number;
  /** 16 bytes, or empty when absent (validated by both decoders). */
  readonly traceId: Uint8Array;
  /** 8 bytes, or empty when absent (validated by both decoders). */
  readonly spanId: Uint8Array;
  readonly eventName: string;
}

export interface ScopeLogs {
  readonly scope: InstrumentationScope | null;
  readonly logRecords: readonly LogRecord[];
  readonly schemaUrl: string;
}

export interface ResourceLogs {
  readonly resource: Resource | null;
  readonly scopeLogs: readonly ScopeLogs[];
  readonly schemaUrl: string;
}

/** collector.logs.v1.ExportLogsServiceRequest, decoded and validated. */
export interface ExportRequest {
  readonly resourceLogs: readonly ResourceLogs[];
}

/** The two OTLP/HTTP encodings; a response uses the request's. */
export type OtlpFormat = 'protobuf' | 'json';
