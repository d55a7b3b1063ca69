import { parentPort, workerData } from 'node:worker_threads';
import { withUniqueSuffix } from './posLogRequests.ts';

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
}

/** Posts OTLP bodies with a fixed number of requests in flight until the time is up. */
async function run(job: ClientJob): Promise<ClientResult> {
  const statuses: Record<string, number> = {};
  let acknowledgedRecords = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + job.durationMs;
  const sender = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sequence = requests;
      requests += 1;
      const body = withUniqueSuffix(job.bodies[sequence % job.bodies.length]!, job.firstSequence + sequence);
      const response = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 200) acknowledgedRecords += job.recordsPerRequest;
      else if (response.status === 429 || response.status === 503) await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  return { acknowledgedRecords, requests, statuses, elapsedMs: performance.now() - started };
}

if (parentPort) {
  const result = await run(workerData as ClientJob);
  parentPort.postMessage(result);
}
