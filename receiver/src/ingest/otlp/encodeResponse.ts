import { asBuffer } from './bytes.ts';
import { ExportLogsServiceResponseType, StatusType } from './otlpProto.ts';
import type { OtlpFormat } from './types.ts';

/** ExportLogsPartialSuccess: records the receiver accepted the request but did not keep. */
export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

/**
 * The body of a 200 answer to an export, in the request's encoding. On full success
 * `partialSuccess` stays unset, as the OTLP spec requires; an all-default partial (0 rejected,
 * no message) counts as full success.
 */
export function encodeExportResponse(format: 'protobuf', partial?: PartialSuccess): Buffer;
export function encodeExportResponse(format: 'json', partial?: PartialSuccess): string;
export function encodeExportResponse(format: OtlpFormat, partial?: PartialSuccess): Buffer | string;
export function encodeExportResponse(format: OtlpFormat, partial?: PartialSuccess): Buffer | string {
  const partialSuccess = partial && !isFullSuccess(partial) ? checkedPartial(partial) : undefined;
  if (format === 'protobuf') {
    return asBuffer(ExportLogsServiceResponseType.encode(partialSuccess ? { partialSuccess } : {}).finish());
  }
  if (!partialSuccess) return '{}';
  // Protobuf's JSON mapping: int64 as a decimal string, default values left out.
  const fields: Record<string, string> = {};
  if (partialSuccess.rejectedLogRecords !== 0) fields.rejectedLogRecords = String(partialSuccess.rejectedLogRecords);
  if (partialSuccess.errorMessage !== '') fields.errorMessage = partialSuccess.errorMessage;
  return JSON.stringify({ partialSuccess: fields });
}

/**
 * A google.rpc.Status body for an error answer (the Collector reads it from any 4xx/5xx).
 * `code` is a gRPC status code. In JSON both fields are always written.
 */
export function encodeStatus(format: 'protobuf', code: number, message: string): Buffer;
export function encodeStatus(format: 'json', code: number, message: string): string;
export function encodeStatus(format: OtlpFormat, code: number, message: string): Buffer | string;
export function encodeStatus(format: OtlpFormat, code: number, message: string): Buffer | string {
  if (!Number.isInteger(code) || code < -2147483648 || code > 2147483647) {
    throw new RangeError(`google.rpc.Status code must be a 32-bit integer, got ${code}`);
  }
  if (format === 'protobuf') return asBuffer(StatusType.encode({ code, message }).finish());
  return JSON.stringify({ code, message });
}

function isFullSuccess(partial: PartialSuccess): boolean {
  return partial.rejectedLogRecords === 0 && partial.errorMessage === '';
}

function checkedPartial(partial: PartialSuccess): PartialSuccess {
  if (!Number.isSafeInteger(partial.rejectedLogRecords) || partial.rejectedLogRecords < 0) {
    throw new RangeError(`rejectedLogRecords must be a non-negative integer, got ${partial.rejectedLogRecords}`);
  }
  return { rejectedLogRecords: partial.rejectedLogRecords, errorMessage: partial.errorMessage };
}
