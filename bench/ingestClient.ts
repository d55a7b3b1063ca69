/**
 * The benchmark's OTLP/HTTP client, run in a worker thread: it posts real OTLP protobuf bodies
 * (Content-Type application/x-protobuf, as a Collector's otlphttp exporter or an SDK sends
 * them) with a fixed number of requests in flight, and counts only 200s as stored records.
 *
 * It uses node:http with a keep-alive Agent rather than fetch: on a 2-core machine the client
 * takes CPU from the receiver and the engine it measures, and undici's fetch (WHATWG Request,
 * Response and streams per request) cost several times more per request than a plain
 * http.request on kept-alive sockets. Same bodies, same statuses, same answers awaited in full.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { withUniqueSuffix } from '@stacklens/test-support/otlp';

export interface ClientJob {
  url: string;
  bodies: Uint8Array[];
  recordsPerRequest: number;
  concurrency: number;
  durationMs: number;
  /** Keeps bodies unique across runs, so none is mistaken for a retry. */
  firstSequence: number;
}

export interface ClientResult {
  acknowledgedRecords: number;
  requests: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  /** CPU time of the client thread, in ms: what the client took from the machine. */
  clientCpuMs: number;
}

interface Answer {
  status: number;
}

/** One POST; resolves once the whole answer has been read. */
function post(url: URL, agent: Agent, body: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.resume();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Posts OTLP bodies with a fixed number of requests in flight until the time is up. */
async function run(job: ClientJob): Promise<ClientResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const statuses: Record<string, number> = {};
  let acknowledgedRecords = 0;
  let requests = 0;
  const cpuBefore = process.threadCpuUsage();
  const started = performance.now();
  const deadline = started + job.durationMs;
  const sender = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sequence = requests;
      requests += 1;
      const body = withUniqueSuffix(job.bodies[sequence % job.bodies.length]!, job.firstSequence + sequence);
      const { status } = await post(url, agent, body);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) acknowledgedRecords += job.recordsPerRequest;
      else if (status === 429 || status === 503) await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  const elapsedMs = performance.now() - started;
  const cpu = process.threadCpuUsage(cpuBefore);
  agent.destroy();
  return { acknowledgedRecords, requests, statuses, elapsedMs, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

if (parentPort) {
  const result = await run(workerData as ClientJob);
  parentPort.postMessage(result);
}
