import { asBuffer } from './bytes.ts';
import { nestsTooDeep } from './checkNesting.ts';
import { InterningReader } from './InterningReader.ts';
import { MAX_ANY_VALUE_DEPTH, SPAN_ID_BYTES, TRACE_ID_BYTES } from './limits.ts';
import { OtlpDecodeError } from './OtlpDecodeError.ts';
import { ExportLogsServiceRequestType } from './otlpProto.ts';
import type { ExportRequest, KeyValue, LogRecord } from './types.ts';

/**
 * Decodes an OTLP/HTTP protobuf body (already decompressed). The protobufjs messages are the
 * result: they have the ExportRequest shape, so nothing is copied.
 * @throws OtlpDecodeError for anything that is not a valid ExportLogsServiceRequest.
 */
export function decodeProtobufRequest(bytes: Uint8Array): ExportRequest {
  let message: unknown;
  try {
    // A Buffer reader decodes strings natively; ours first looks short ones up in a cache.
    message = ExportLogsServiceRequestType.decode(new InterningReader(asBuffer(bytes)));
  } catch (error) {
    throw new OtlpDecodeError(`invalid protobuf ExportLogsServiceRequest: ${describeDecodeFailure(error)}`, {
      cause: error,
    });
  }
  const request = message as ExportRequest;
  validateRequest(request);
  return request;
}

function describeDecodeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (text === 'max depth exceeded' || text.startsWith('Maximum call stack')) {
    return `messages nest too deeply (values may nest at most ${MAX_ANY_VALUE_DEPTH} levels)`;
  }
  return text;
}

const TOO_DEEP = `values nest deeper than ${MAX_ANY_VALUE_DEPTH} levels`;

/** What protobuf's wire format cannot rule out but the OTLP data model does. */
function validateRequest(request: ExportRequest): void {
  request.resourceLogs.forEach((resourceLogs, r) => {
    const at = `resourceLogs[${r}]`;
    validateAttributes(resourceLogs.resource?.attributes ?? [], `${at}.resource.attributes`);
    resourceLogs.scopeLogs.forEach((scopeLogs, s) => {
      validateAttributes(scopeLogs.scope?.attributes ?? [], `${at}.scopeLogs[${s}].scope.attributes`);
      const records = scopeLogs.logRecords;
      for (let l = 0; l < records.length; l++) {
        const record = records[l];
        const problem = record && recordProblem(record);
        if (problem) throw new OtlpDecodeError(`${at}.scopeLogs[${s}].logRecords[${l}]${problem}`);
      }
    });
  });
}

/** The first problem of a record, as a path suffix and message, or undefined. */
function recordProblem(record: LogRecord): string | undefined {
  const traceIdLength = record.traceId.length;
  if (traceIdLength !== 0 && traceIdLength !== TRACE_ID_BYTES) {
    return `.traceId: expected ${TRACE_ID_BYTES} bytes, got ${traceIdLength}`;
  }
  const spanIdLength = record.spanId.length;
  if (spanIdLength !== 0 && spanIdLength !== SPAN_ID_BYTES) {
    return `.spanId: expected ${SPAN_ID_BYTES} bytes, got ${spanIdLength}`;
  }
  if (nestsTooDeep(record.body, 1)) return `.body: ${TOO_DEEP}`;
  const attributes = record.attributes;
  for (let i = 0; i < attributes.length; i++) {
    if (nestsTooDeep(attributes[i]?.value ?? null, 1)) return `.attributes[${i}]: ${TOO_DEEP}`;
  }
  return undefined;
}

function validateAttributes(attributes: readonly KeyValue[], path: string): void {
  attributes.forEach((attribute, i) => {
    if (nestsTooDeep(attribute.value, 1)) throw new OtlpDecodeError(`${path}[${i}]: ${TOO_DEEP}`);
  });
}
