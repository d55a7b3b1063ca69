import { afterEach, describe, expect, it } from 'vitest';
import { openFeed } from './support/feedClient.ts';
import { rawUpgrade, type RawWebSocket } from './support/rawWebSocket.ts';
import { startLiveServer, type LiveServer } from './support/liveServer.ts';

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function rawClient(autoPong: boolean): Promise<RawWebSocket> {
  const result = await rawUpgrade(server!.feedUrl(await server!.ticket()), { autoPong });
  if (!result.upgraded) throw new Error(`refused: ${result.status}`);
  return result.client;
}

const HEARTBEAT_MS = 100;

describe('heartbeats', () => {
  it('pings every heartbeatMs, keeps clients that answer, and terminates one that leaves two pings unanswered', async () => {
    server = await startLiveServer({ heartbeatMs: HEARTBEAT_MS });
    const browser = await openFeed(server.feedUrl(await server.ticket()));
    const answering = await rawClient(true);
    const silent = await rawClient(false);
    const silentSince = Date.now();

    // The silent client sees the pings (and the heartbeat messages) but never pongs.
    expect(await silent.nextJson()).toMatchObject({ type: 'hello', heartbeatMs: HEARTBEAT_MS });
    expect(await silent.frames.until((frame) => frame.kind === 'ping')).toMatchObject({ kind: 'ping' });
    await silent.frames.until((frame) => frame.kind === 'text' && frame.text.includes('"heartbeat"'));
    await silent.closed;
    const lifetime = Date.now() - silentSince;
    // Pinged at 1 and 2 intervals, terminated at the 3rd: give the timers slack, but not a whole extra cycle of slack.
    expect(lifetime).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
    expect(lifetime).toBeLessThan(10 * HEARTBEAT_MS);

    // Those that answer stay, well past the same span.
    await new Promise((resolve) => setTimeout(resolve, 6 * HEARTBEAT_MS));
    expect(browser.socket.readyState).toBe(WebSocket.OPEN);
    expect(answering.socket.destroyed).toBe(false);
    const heartbeat = await browser.next('heartbeat');
    expect(Math.abs(Date.parse(heartbeat.serverTime) - Date.now())).toBeLessThan(5_000);
    expect(await answering.frames.until((frame) => frame.kind === 'ping')).toMatchObject({ kind: 'ping' });

    const stats = await server.stats();
    expect(stats).toMatchObject({ connections: 2, unresponsiveTerminated: 1 });
    answering.destroy();
    browser.socket.close();
  });
});
