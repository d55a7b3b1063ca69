/**
 * The soak's load, in a process of its own so its CPU and memory stay out of the receiver's
 * figures: real OTLP protobuf bodies (bench/posLogRequests.ts, one error in five) posted at a
 * steady rate over kept-alive connections, each body made unique. Prints a JSON summary.
 * Usage: node bench/soakLoad.ts <url> <requestsPerSecond> <recordsPerRequest> <durationMs>
 */
import { Agent, request } from 'node:http';
import { posLogRequests, withUniqueSuffix } from '@stacklens/test-support/otlp';

const [url = '', perSecondText = '20', recordsText = '100', durationText = '60000'] = process.argv.slice(2);
const perSecond = Number(perSecondText);
const recordsPerRequest = Number(recordsText);
const durationMs = Number(durationText);

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL('/v1/logs', url);

function post(body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.once('error', () => resolve(0));
    outgoing.end(body);
  });
}

const bodies = posLogRequests(50, recordsPerRequest);
const statuses: Record<string, number> = {};
const pending: Promise<void>[] = [];
const started = performance.now();
let sent = 0;
while (performance.now() - started < durationMs) {
  const due = Math.floor(((performance.now() - started) / 1000) * perSecond) + 1;
  while (sent < due) {
    const body = withUniqueSuffix(bodies[sent % bodies.length]!, sent + 1);
    sent += 1;
    pending.push(post(body).then((status) => void (statuses[status] = (statuses[status] ?? 0) + 1)));
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await Promise.all(pending);
agent.destroy();
process.stdout.write(`${JSON.stringify({ requests: sent, records: sent * recordsPerRequest, statuses })}\n`);
