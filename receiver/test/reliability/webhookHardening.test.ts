import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiverProcess, type ReceiverProcess } from './support/receiverProcess.ts';

/*
 * Finding 1 (high): the Jira webhook parsed up to 64 MiB before checking anything, even while
 * off — a 60 MB body took 8.9 s and 2 GB of RSS, and /health waited 6.9 s. Finding 11: `?secret=`
 * always worked beside the signature, and a signed event replayed was accepted again.
 */
const SECRET = 'webhook-secret-for-the-hardening-test';
const FLOOD_BODY_BYTES = 60 * 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-webhook-'));
let receiver: ReceiverProcess;

beforeAll(async () => {
  receiver = await startReceiverProcess({ STACKLENS_DATA_DIR: dataDir, JIRA_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await receiver?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const WEBHOOK = '/api/integrations/jira/webhook';

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function event(key: string, status = 'In Progress', timestamp = Date.now()): string {
  return JSON.stringify({
    timestamp,
    webhookEvent: 'jira:issue_updated',
    issue: { key, fields: { status: { name: status, statusCategory: { key: 'indeterminate' } } } },
  });
}

async function post(body: string, headers: Record<string, string>, query = ''): Promise<{ status: number; text: string }> {
  const response = await fetch(`${receiver.url}${WEBHOOK}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Sends the headers, gives the receiver a moment to answer before any of the body (as it must
 * for a caller without a signature), then streams `bytes` of filler (declared up front, or
 * chunked). Resolves with the status, or 0 when the receiver closed the connection mid-body
 * before its answer could be read (a refused chunked body).
 */
function flood(headers: Record<string, string>, bytes: number, chunked: boolean): Promise<number> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const request = httpRequest(`${receiver.url}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(bytes) }) },
    });
    let sent = 0;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      response.resume();
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    // Once the receiver answered and closed, writes fail: that is the point.
    request.on('error', () => {
      if (!answered) resolve(0);
    });
    const pump = (): void => {
      while (!answered && !request.destroyed && sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!answered && !request.destroyed) request.end();
    };
    request.flushHeaders();
    setTimeout(pump, 300);
  });
}

async function healthLatencies(during: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${receiver.url}/health`);
    await response.text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return latencies;
}

describe('the Jira webhook under an unauthenticated flood', () => {
  it('refuses 60 MB bodies before reading them: RSS and /health latency stay bounded', async () => {
    const before = receiver.memory().rssMiB;
    const wrongSignature = { 'x-hub-signature': `sha256=${'0'.repeat(64)}` };
    const flooding = Promise.all([
      // No signature: 401 before any of the body is read.
      ...Array.from({ length: 4 }, () => flood({}, FLOOD_BODY_BYTES, false)),
      // A signature (wrong, but well-formed): the declared length is refused at once…
      ...Array.from({ length: 2 }, () => flood(wrongSignature, FLOOD_BODY_BYTES, false)),
      // …and a chunked body is cut at 16 KiB.
      ...Array.from({ length: 2 }, () => flood(wrongSignature, FLOOD_BODY_BYTES, true)),
    ]);
    const [statuses, latencies] = await Promise.all([flooding, healthLatencies(flooding)]);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 413, 413]);
    for (const status of statuses.slice(6)) expect([413, 0]).toContain(status);
    const { rssMiB, peakMiB } = receiver.memory();
    expect(peakMiB - before, `RSS ${before.toFixed(0)} → peak ${peakMiB.toFixed(0)} MiB`).toBeLessThan(150);
    expect(rssMiB).toBeLessThan(before + 150);
    expect(Math.max(...latencies), `/health latencies ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`).toBeLessThan(1_000);
  });
});

describe('the Jira webhook’s proof', () => {
  it('accepts a signed event once: the same event again is a replay (409)', async () => {
    const body = event('POS-404');
    expect(await post(body, { 'x-hub-signature': sign(body) })).toMatchObject({ status: 200 });
    const replayed = await post(body, { 'x-hub-signature': sign(body) });
    expect(replayed.status).toBe(409);
    expect(replayed.text).toMatch(/already received/);
  });

  it('refuses a signed event whose timestamp is older than 10 minutes', async () => {
    const stale = event('POS-405', 'Done', Date.now() - 11 * 60_000);
    const response = await post(stale, { 'x-hub-signature': sign(stale) });
    expect(response.status).toBe(409);
    expect(response.text).toMatch(/timestamp/);
  });

  it('no longer accepts ?secret=, with or without a signature', async () => {
    const body = event('POS-406');
    expect((await post(body, {}, `?secret=${SECRET}`)).status).toBe(401);
    expect((await post(body, { 'x-hub-signature': sign(body) }, `?secret=${SECRET}`)).status).toBe(401);
  });

  it('refuses a wrong signature and an event without its timestamp', async () => {
    const body = event('POS-407');
    expect((await post(body, { 'x-hub-signature': sign(body, 'another-secret-of-16-chars') })).status).toBe(401);
    const untimed = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'POS-408' } });
    expect((await post(untimed, { 'x-hub-signature': sign(untimed) })).status).toBe(400);
  });
});
