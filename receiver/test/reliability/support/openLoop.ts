import { postLogs, type PostResult } from './loadRecords.ts';

export interface OpenLoopResult {
  /** Per body index, the answer it got. */
  results: PostResult[];
  /** The largest number of requests outstanding at once. */
  maxOutstanding: number;
}

/**
 * Sends the bodies at a fixed rate whatever the answers (an open loop, as a fleet of
 * independent apps does): if the receiver answered slower than the rate, requests would pile up
 * in it. Each body is sent once.
 */
export async function sendAtRate(url: string, bodies: ReadonlyArray<Buffer>, perSecond: number): Promise<OpenLoopResult> {
  const results: PostResult[] = new Array(bodies.length);
  const sent: Promise<void>[] = [];
  let outstanding = 0;
  let maxOutstanding = 0;
  const started = performance.now();
  while (sent.length < bodies.length) {
    const due = Math.min(bodies.length, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
    while (sent.length < due) {
      const index = sent.length;
      outstanding += 1;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      sent.push(
        postLogs(url, bodies[index]!).then((result) => {
          outstanding -= 1;
          results[index] = result;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(sent);
  return { results, maxOutstanding };
}
