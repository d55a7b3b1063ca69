/**
 * How deep AnyValues may nest (a scalar attribute value is depth 1; each array or kvlist
 * level adds one). protobufjs stops decoding at 100 nested messages (protoc's default); a
 * kvlist level costs three messages (AnyValue, KeyValueList, KeyValue) and a log attribute
 * starts four messages down, so 32 levels is the most protobufjs can always decode. Both
 * decoders enforce the same bound, so an input is accepted or refused whatever its encoding,
 * and every recursive walk over values stays far from the stack limit.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

/** Wire sizes of W3C trace context ids. */
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/**
 * Values one record (its body and attributes), resource or scope may hold — attributes, kvlist
 * entries and array items, nested ones included — unless RECEIVER_MAX_RECORD_VALUES says otherwise.
 * Real records hold tens; the work per record grows with this number, and the body limit alone
 * would let one record carry a million.
 */
export const MAX_RECORD_VALUES = 10_000;
