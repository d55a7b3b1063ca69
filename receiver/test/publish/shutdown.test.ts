import { LiveEventBus } from '@stacklens/processor';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { liveFeedRoutes, type LiveFeedOptions } from '../../src/publish/index.ts';
import { errorDetected } from './support/events.ts';
import { openFeed } from './support/feedClient.ts';
import { rawUpgrade } from './support/rawWebSocket.ts';
import { startLiveServer, TOKENS, type LiveServer } from './support/liveServer.ts';

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('shutdown', () => {
  it('closes live sockets with 1001 and app.close() returns promptly, even with a client that stopped reading', async () => {
    server = await startLiveServer({ closeGraceMs: 300, maxBufferedBytes: 64 * 1024 * 1024 });
    const browser = await openFeed(server.feedUrl(await server.ticket()));
    await browser.next('backfill');
    const upgrade = await rawUpgrade(server.feedUrl(await server.ticket()));
    if (!upgrade.upgraded) throw new Error(`refused: ${upgrade.status}`);
    upgrade.client.pause();
    for (let i = 0; i < 200; i++) server.bus.publish(errorDetected({ body: 'y'.repeat(64 * 1024) }));

    const started = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await browser.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    // Destroyed after the grace: reading again, it finds the end of the connection.
    upgrade.client.resume();
    await upgrade.client.closed;
  });
});

describe('registration', () => {
  it('registers the auth plugin from its tokens option when the app has none', async () => {
    server = await startLiveServer({ appAuth: false });
    expect((await fetch(`${server.http}/api/live/ticket`, { method: 'POST' })).status).toBe(401);
    const client = await openFeed(server.feedUrl(await server.ticket(TOKENS.admin)));
    expect(await client.next('hello')).toMatchObject({ type: 'hello' });
    client.socket.close();
  });

  it('refuses bad options with a clear error', async () => {
    const bus = new LiveEventBus();
    for (const [options, message] of [
      [{ heartbeatMs: 0 }, 'heartbeatMs must be a positive integer'],
      [{ maxBufferedBytes: 1.5 }, 'maxBufferedBytes must be a positive integer'],
      [{ bus: {} }, 'bus must have subscribe'],
    ] as const) {
      const app = Fastify();
      await expect(app.register(liveFeedRoutes, { bus, tokens: TOKENS, ...options } as unknown as LiveFeedOptions).ready()).rejects.toThrow(
        message,
      );
      await app.close();
    }
  });
});
