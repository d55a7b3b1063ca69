import { createHash, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { QueueClosedError, QueueFullError, type WriteQueue } from './WriteQueue.ts';
import {
  checkValueCounts,
  decodeJsonRequest,
  decodeProtobufRequest,
  encodeExportResponse,
  encodeStatus,
  MAX_RECORD_VALUES,
  OtlpDecodeError,
} from './otlp/index.ts';
import { encodeLogRequest, encodeLogRequestWithRows, type EncodedLogRequest } from './encodeLogRequest.ts';
import type { LogRow } from '../store/LogRow.ts';

export interface OtlpLogsRouteOptions {
  queue: WriteQueue;
  /** Largest body accepted, compressed or not. */
  maxBodyBytes: number;
  retryAfterSeconds: number;
  ingestToken?: string;
  /** Values one record, resource or scope may hold (attributes, nested entries, array items); beyond it 400 [MAX_RECORD_VALUES]. */
  maxRecordValues?: number;
  /** Called with the rows once they are stored, before the client is answered: the processor's input. */
  onStored?: (rows: ReadonlyArray<LogRow>) => void;
}

type WireFormat = 'protobuf' | 'json';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const gunzipAsync = promisify(gunzip);

/** A rejection with the HTTP status the OTLP/HTTP spec prescribes for it. */
class OtlpHttpError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/**
 * POST /v1/logs per the OTLP/HTTP specification. The answer is 200 only once
 * the records are stored; every refusal says whether a retry can help
 * (429/503 with Retry-After) or not (400, 413, 415), because the Collector
 * drops data on the latter.
 */
export const otlpLogsRoutes: FastifyPluginAsync<OtlpLogsRouteOptions> = async (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([PROTOBUF, JSON_TYPE], { parseAs: 'buffer', bodyLimit: options.maxBodyBytes }, (_request, body, done) =>
    done(null, body),
  );

  if (options.ingestToken) {
    // Compared as digests: constant time whatever the presented header's length.
    const digest = (value: string) => createHash('sha256').update(value).digest();
    const expected = digest(`Bearer ${options.ingestToken}`);
    app.addHook('onRequest', async (request) => {
      if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected))
        throw new OtlpHttpError(401, 'missing or wrong ingest token');
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => replyWithError(error, request, reply, options));

  app.post(
    '/v1/logs',
    {
      schema: {
        summary: 'OTLP/HTTP logs export',
        headers: {
          type: 'object',
          properties: {
            'content-type': { type: 'string' },
            'content-encoding': { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const format = wireFormat(request);
      const body = await decompress(request, options.maxBodyBytes);
      const decoded = format === 'protobuf' ? decodeProtobufRequest(body) : decodeJsonRequest(utf8(body));
      checkValueCounts(decoded, options.maxRecordValues ?? MAX_RECORD_VALUES);
      // Row objects are built only for a listener; storing needs just the encoded rows.
      const encoded: EncodedLogRequest & { rows?: LogRow[] } = options.onStored
        ? encodeLogRequestWithRows(decoded)
        : encodeLogRequest(decoded);
      const { payload, rowCount, rows, rejected, rejectionMessage } = encoded;
      if (rowCount > 0) {
        const token = createHash('sha256').update(body).digest('hex');
        // A retry of a request already stored is answered, but not counted again by detection.
        const stored = await options.queue.write(payload, rowCount, token);
        if (rows && stored) options.onStored?.(rows);
      }
      const partial = rejected > 0 ? { rejectedLogRecords: rejected, errorMessage: rejectionMessage ?? '' } : undefined;
      return sendInFormat(reply, format, encodeExportResponse(format, partial));
    },
  );
};

function wireFormat(request: FastifyRequest): WireFormat {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF) ? 'protobuf' : 'json';
}

async function decompress(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  const body = request.body as Buffer;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new OtlpHttpError(415, `unsupported Content-Encoding "${encoding}": use gzip or none`);
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new OtlpHttpError(413, `decompressed body exceeds the limit of ${maxBytes} bytes`);
    }
    throw new OtlpHttpError(400, `body is not valid gzip: ${(error as Error).message}`);
  }
}

function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new OtlpHttpError(400, 'JSON body is not valid UTF-8');
  }
}

function replyWithError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, options: OtlpLogsRouteOptions): FastifyReply {
  const { status, message } = classify(error, options.maxBodyBytes);
  if (status === 429 || status === 503) reply.header('retry-after', String(options.retryAfterSeconds));
  // The store's own words stay in the log: the client (maybe unauthenticated) learns only to retry.
  if (status >= 500) request.log.error({ err: error }, 'OTLP logs could not be stored');
  const format = wireFormat(request);
  return sendInFormat(reply.code(status), format, encodeStatus(format, grpcCode(status), message));
}

// The spec wants the request's content type back as it is: a Buffer keeps
// Fastify from appending a charset parameter to JSON.
function sendInFormat(reply: FastifyReply, format: WireFormat, body: Buffer | string): FastifyReply {
  return reply.type(format === 'protobuf' ? PROTOBUF : JSON_TYPE).send(Buffer.from(body));
}

function classify(error: FastifyError, maxBodyBytes: number): { status: number; message: string } {
  if (error instanceof OtlpHttpError) return { status: error.statusCode, message: error.message };
  if (error instanceof OtlpDecodeError) return { status: 400, message: error.message };
  if (error instanceof QueueFullError) return { status: 429, message: error.message };
  if (error instanceof QueueClosedError) return { status: 503, message: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: `unsupported Content-Type: use ${PROTOBUF} or ${JSON_TYPE}` };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `body exceeds the limit of ${maxBodyBytes} bytes` };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: error.message };
  }
  // Anything else is the store failing: retryable, so the client keeps the data.
  return { status: 503, message: 'the log store is unavailable: retry later' };
}

// google.rpc.Status carries a gRPC code; these follow the OTLP/HTTP status mapping.
function grpcCode(status: number): number {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 3; // INVALID_ARGUMENT
    case 401:
      return 16; // UNAUTHENTICATED
    case 429:
      return 8; // RESOURCE_EXHAUSTED
    default:
      return 14; // UNAVAILABLE
  }
}
