/**
 * bench:collector's OTLP/HTTP client, in a worker thread: posts protobuf bodies
 * with a fixed number of requests in flight until the time is up, counting
 * only 200s. Each request is made unique in content, not only in bytes: the
 * Collector re-encodes what it receives, and batches of identical records
 * would be taken by the receiver for retries of one stored batch (its
 * insert deduplication) and stored once. So the resource's `host.name`
 * ("bench", five bytes, once per body) is overwritten in place with the
 * request's number in base 36 — same length, no re-encoding.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface CollectorClientJob {
  url: string;
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
  statuses: Record<string, number>;
}

const MARKER = Buffer.from('bench');

function uniqueBody(body: Uint8Array, at: number, sequence: number): Buffer {
  const copy = Buffer.from(body);
  copy.write(sequence.toString(36).padStart(MARKER.length, '0').slice(-MARKER.length), at, 'latin1');
  return copy;
}

function post(url: URL, agent: Agent, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function run(job: CollectorClientJob): Promise<CollectorClientResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const markers = job.bodies.map((body) => {
    const at = Buffer.from(body).indexOf(MARKER);
    if (at < 0) throw new Error('a body without the host.name "bench" marker');
    return at;
  });
  const statuses: Record<string, number> = {};
  let acknowledgedRecords = 0;
  let requests = 0;
  const deadline = performance.now() + job.durationMs;
  const sender = async (): Promise<void> => {
    while (performance.now() < deadline && requests < (job.maxRequests ?? Infinity)) {
      const index = requests % job.bodies.length;
      const body = uniqueBody(job.bodies[index]!, markers[index]!, job.firstSequence + requests);
      requests += 1;
      const status = await post(url, agent, body);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) acknowledgedRecords += job.recordsPerRequest;
      else if (status === 429 || status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  agent.destroy();
  return { acknowledgedRecords, requests, statuses };
}

parentPort!.postMessage(await run(workerData as CollectorClientJob));
