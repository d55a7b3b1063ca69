import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorDetected } from './support/events.ts';
import { openFeed } from './support/feedClient.ts';
import { rawUpgrade } from './support/rawWebSocket.ts';
import { startLiveServer, type LiveServer } from './support/liveServer.ts';

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MAX_BUFFERED = 256 * 1024;
const BODY = 'x'.repeat(64 * 1024);

describe('a client that stops reading', () => {
  it('is closed with 1013 once its unsent data passes maxBufferedBytes, while the others keep receiving', async () => {
    server = await startLiveServer({ maxBufferedBytes: MAX_BUFFERED, closeGraceMs: 10_000, heartbeatMs: 60_000 });
    const { bus } = server;
    const fast = await openFeed(server.feedUrl(await server.ticket()));
    await fast.next('backfill');
    const upgrade = await rawUpgrade(server.feedUrl(await server.ticket()));
    if (!upgrade.upgraded) throw new Error(`refused: ${upgrade.status}`);
    const slow = upgrade.client;
    await slow.nextJson();
    slow.pause();

    // Publish at the fast client's pace until the paused one has filled both kernels' buffers and then its allowance.
    let published = 0;
    let eventBytes = 0;
    while ((await server.stats()).slowClientsDropped === 0) {
      if (published >= 2_000) throw new Error('the paused client was never dropped');
      const event = bus.publish(errorDetected({ body: BODY }));
      eventBytes = Math.max(eventBytes, Buffer.byteLength(JSON.stringify(event)));
      published++;
      const received = await fast.next('error.detected');
      expect(received.seq).toBe(event.seq);
    }
    const stats = await server.stats();
    expect(stats.slowClientsDropped).toBe(1);
    // Never more than the allowance plus the one message that crossed it (and a frame header).
    expect(stats.peakBufferedBytes).toBeGreaterThan(MAX_BUFFERED);
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED + eventBytes + 14);
    // Megabytes went into kernel buffers before the server's own buffer grew at all.
    expect(published * eventBytes).toBeGreaterThan(MAX_BUFFERED);

    // Nothing more is queued for it, and the fast client still gets everything.
    const sentBefore = (await server.stats()).eventsSent;
    for (let i = 0; i < 5; i++) {
      const event = bus.publish(errorDetected({ body: BODY }));
      expect((await fast.next('error.detected')).seq).toBe(event.seq);
    }
    expect((await server.stats()).eventsSent).toBe(sentBefore + 5);

    // When it reads again, it finds the close frame at the end of what it was sent.
    slow.resume();
    const close = await slow.frames.until((frame) => frame.kind === 'close', 10_000);
    expect(close).toEqual({ kind: 'close', code: 1013, reason: 'too slow' });
    await slow.closed;
    await vi.waitFor(async () => expect((await server!.stats()).connections).toBe(1));
    fast.socket.close();
  });

  it('is destroyed after the close grace if it never reads again', async () => {
    server = await startLiveServer({ maxBufferedBytes: 64 * 1024, closeGraceMs: 200, heartbeatMs: 60_000 });
    const upgrade = await rawUpgrade(server.feedUrl(await server.ticket()));
    if (!upgrade.upgraded) throw new Error(`refused: ${upgrade.status}`);
    upgrade.client.pause();
    for (let i = 0; i < 2_000 && (await server.stats()).slowClientsDropped === 0; i++) {
      server.bus.publish(errorDetected({ body: BODY }));
      await sleep(0);
    }
    expect((await server.stats()).slowClientsDropped).toBe(1);
    await vi.waitFor(async () => expect((await server!.stats()).connections).toBe(0), { timeout: 3_000 });
    expect(server.bus.listenerCount).toBe(0);
    upgrade.client.destroy();
  });
});
