/*
 * OTLP/HTTP logs: decode a request in either encoding, render it as `otel_logs` rows, and
 * encode the answers. The HTTP route and the store use only what is exported here.
 */
export { decodeJsonRequest } from './decodeJson.ts';
export { decodeProtobufRequest } from './decodeProtobuf.ts';
export { encodeExportResponse, encodeStatus } from './encodeResponse.ts';
export type { PartialSuccess } from './encodeResponse.ts';
export { anyValueKind } from './anyValueKind.ts';
export type { AnyValueKind } from './anyValueKind.ts';
export { MAX_RECORD_VALUES, MAX_ANY_VALUE_DEPTH } from './limits.ts';
export { OtlpDecodeError } from './OtlpDecodeError.ts';
export { renderAnyValue } from './renderValue.ts';
export { toLogRows } from './toLogRows.ts';
export type { LogRowsResult } from './toLogRows.ts';
export type {
  AnyValue,
  ArrayValue,
  ExportRequest,
  InstrumentationScope,
  Int64,
  KeyValue,
  KeyValueList,
  LogRecord,
  OtlpFormat,
  Resource,
  ResourceLogs,
  ScopeLogs,
} from './types.ts';
export { checkValueCounts } from './countValues.ts';
