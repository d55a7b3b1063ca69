/**
 * bench:collector's OTLP client, in a worker thread: sends protobuf bodies
 * over OTLP/HTTP (POST /v1/logs) or OTLP/gRPC (LogsService/Export, through
 * @grpc/grpc-js with the body passed through as the encoded message) with a
 * fixed number of requests in flight until the time is up, counting only
 * successes. Both protocols send the very same bytes, so a difference between
 * them is the transport's and the Collector's receiver's, not the load's.
 *
 * Each request is made unique in content, not only in bytes: the Collector
 * re-encodes what it receives, and batches of identical records would be taken
 * by the receiver for retries of one stored batch (its insert deduplication)
 * and stored once. So the resource's `host.name` ("bench", five bytes, once per
 * body) is overwritten in place with the request's number in base 36 — same
 * length, no re-encoding.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, credentials, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';

export type Protocol = 'http' | 'grpc';

export interface CollectorClientJob {
  protocol: Protocol;
  /** http: the base URL (`/v1/logs` is added); grpc: host:port. */
  target: string;
  bodies: Uint8Array[];
  recordsPerRequest: number;
  concurrency: number;
  durationMs: number;
  /** Stop after this many requests even if time is left. */
  maxRequests?: number;
  firstSequence: number;
}

export interface CollectorClientResult {
  acknowledgedRecords: number;
  requests: number;
  /** HTTP status codes, or gRPC status names. */
  statuses: Record<string, number>;
}

/** One request's outcome: the key it is counted under, whether it was accepted, whether the server asked to slow down. */
interface Outcome {
  key: string;
  ok: boolean;
  shed: boolean;
}

type Send = (body: Buffer) => Promise<Outcome>;

const MARKER = Buffer.from('bench');
const EXPORT_METHOD = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

function uniqueBody(body: Uint8Array, at: number, sequence: number): Buffer {
  const copy = Buffer.from(body);
  copy.write(sequence.toString(36).padStart(MARKER.length, '0').slice(-MARKER.length), at, 'latin1');
  return copy;
}

function httpSender(target: string, concurrency: number): { send: Send; close(): void } {
  const url = new URL('/v1/logs', target);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const send: Send = (body) =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } },
        (response) => {
          response.on('error', reject);
          response.on('end', () => {
            const code = response.statusCode ?? 0;
            resolve({ key: String(code), ok: code === 200, shed: code === 429 || code === 503 });
          });
          response.resume();
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  return { send, close: () => agent.destroy() };
}

function grpcSender(target: string): { send: Send; close(): void } {
  // One HTTP/2 connection carries every call in flight, as an SDK's gRPC exporter does.
  const client = new Client(target, credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  const identity = (value: Buffer) => value;
  const send: Send = (body) =>
    new Promise((resolve) => {
      client.makeUnaryRequest(EXPORT_METHOD, identity, identity, body, (error: ServiceError | null) => {
        const code = error?.code ?? grpcStatus.OK;
        resolve({
          key: grpcStatus[code] ?? String(code),
          ok: code === grpcStatus.OK,
          shed: code === grpcStatus.RESOURCE_EXHAUSTED || code === grpcStatus.UNAVAILABLE,
        });
      });
    });
  return { send, close: () => client.close() };
}

async function run(job: CollectorClientJob): Promise<CollectorClientResult> {
  const sender = job.protocol === 'grpc' ? grpcSender(job.target) : httpSender(job.target, job.concurrency);
  const markers = job.bodies.map((body) => {
    const at = Buffer.from(body).indexOf(MARKER);
    if (at < 0) throw new Error('a body without the host.name "bench" marker');
    return at;
  });
  const statuses: Record<string, number> = {};
  let acknowledgedRecords = 0;
  let requests = 0;
  const deadline = performance.now() + job.durationMs;
  const inFlight = async (): Promise<void> => {
    while (performance.now() < deadline && requests < (job.maxRequests ?? Infinity)) {
      const index = requests % job.bodies.length;
      const body = uniqueBody(job.bodies[index]!, markers[index]!, job.firstSequence + requests);
      requests += 1;
      const outcome = await sender.send(body);
      statuses[outcome.key] = (statuses[outcome.key] ?? 0) + 1;
      if (outcome.ok) acknowledgedRecords += job.recordsPerRequest;
      else if (outcome.shed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, inFlight));
  sender.close();
  return { acknowledgedRecords, requests, statuses };
}

parentPort!.postMessage(await run(workerData as CollectorClientJob));
