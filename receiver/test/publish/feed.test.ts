import type { LiveEvent } from '@stacklens/processor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorDetected, incidentCreated, spike } from './support/events.ts';
import { openFeed, type FeedClient } from './support/feedClient.ts';
import { rawUpgrade } from './support/rawWebSocket.ts';
import { startLiveServer, type LiveServer } from './support/liveServer.ts';

let server: LiveServer | undefined;
const clients: FeedClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.close();
  await server?.close();
  server = undefined;
});

async function connect(query = ''): Promise<FeedClient> {
  const client = await openFeed(server!.feedUrl(await server!.ticket(), query));
  clients.push(client);
  return client;
}

/** Publishes, then waits until the client has everything up to that seq (live events only). */
async function liveEvents(client: FeedClient, count: number): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  while (events.length < count) {
    const message = await client.messages.next();
    if (message.type !== 'hello' && message.type !== 'backfill' && message.type !== 'heartbeat' && message.type !== 'error')
      events.push(message);
  }
  return events;
}

const seqs = (events: ReadonlyArray<LiveEvent>) => events.map((event) => event.seq);

describe('the live feed', () => {
  it('sends hello, then the backfill of the last N events, then live events in seq order', async () => {
    server = await startLiveServer({ backfill: 50, heartbeatMs: 60_000 });
    for (let i = 0; i < 60; i++) server.bus.publish(errorDetected());
    const client = await connect();
    const hello = await client.messages.next();
    expect(hello).toMatchObject({ type: 'hello', heartbeatMs: 60_000, backfill: 50 });
    expect(Math.abs(Date.parse((hello as { serverTime: string }).serverTime) - Date.now())).toBeLessThan(5_000);
    const backfill = await client.messages.next();
    expect(backfill.type).toBe('backfill');
    expect(seqs((backfill as { events: LiveEvent[] }).events)).toEqual(Array.from({ length: 50 }, (_, i) => 11 + i));
    for (let i = 0; i < 20; i++) server.bus.publish(i % 2 ? incidentCreated() : errorDetected());
    expect(seqs(await liveEvents(client, 20))).toEqual(Array.from({ length: 20 }, (_, i) => 61 + i));
  });

  it('filters live events and the fresh backfill on severity, service and store after a subscribe message', async () => {
    server = await startLiveServer();
    const { bus } = server;
    const early = [
      bus.publish(errorDetected({ severity: 'LOW' })),
      bus.publish(errorDetected({ severity: 'CRITICAL', store: 'STORE_002' })),
      bus.publish(incidentCreated({ severity: 'CRITICAL', stores: ['STORE_007', 'STORE_002'] })),
    ];
    const client = await connect();
    await client.next('backfill');

    client.send({ type: 'subscribe', filters: { severity: ['CRITICAL'] } });
    const critical = await client.next('backfill');
    expect(critical.filters).toEqual({ severity: ['CRITICAL'] });
    expect(seqs(critical.events)).toEqual([early[1]!.seq, early[2]!.seq]);
    bus.publish(errorDetected({ severity: 'HIGH' }));
    const wanted = bus.publish(spike({ severity: 'CRITICAL' }));
    expect(seqs(await liveEvents(client, 1))).toEqual([wanted.seq]);

    client.send({ type: 'subscribe', filters: { store: ['STORE_007'] } });
    expect(seqs((await client.next('backfill')).events)).toEqual([early[2]!.seq]);
    bus.publish(errorDetected({ store: 'STORE_001' }));
    const byStore = [bus.publish(errorDetected({ store: 'STORE_007' })), bus.publish(incidentCreated({ stores: ['STORE_007'] }))];
    expect(seqs(await liveEvents(client, 2))).toEqual(seqs(byStore));

    client.send({ type: 'subscribe', filters: { service: ['checkout'], severity: ['HIGH', 'LOW'] } });
    expect((await client.next('backfill')).events).toEqual([]);
    bus.publish(errorDetected({ service: 'checkout', severity: 'CRITICAL' }));
    bus.publish(errorDetected({ service: 'demo-pos', severity: 'LOW' }));
    const checkout = bus.publish(errorDetected({ service: 'checkout', severity: 'LOW' }));
    expect(seqs(await liveEvents(client, 1))).toEqual([checkout.seq]);

    // Empty lists lift the filter.
    client.send({ type: 'subscribe', filters: { service: [] } });
    expect((await client.next('backfill')).events).toHaveLength(bus.lastSeq);
  });

  it('takes the first filter from the query string, so the first backfill is already filtered', async () => {
    server = await startLiveServer();
    server.bus.publish(errorDetected({ service: 'a' }));
    const b = server.bus.publish(errorDetected({ service: 'b' }));
    const client = await connect('&service=b,c&severity=HIGH');
    await client.next('hello');
    const backfill = await client.next('backfill');
    expect(backfill.filters).toEqual({ service: ['b', 'c'], severity: ['HIGH'] });
    expect(seqs(backfill.events)).toEqual([b.seq]);
  });

  it('answers a bad message with an error message and keeps the connection', async () => {
    server = await startLiveServer();
    const client = await connect();
    await client.next('backfill');
    const bad: Array<[unknown, string]> = [
      ['not json', 'not valid JSON'],
      ['[1,2]', 'JSON object'],
      [{ type: 'unsubscribe' }, 'unknown message type'],
      [{ type: 'subscribe', filters: { severity: ['URGENT'] } }, '"URGENT" is not one of CRITICAL, HIGH, MEDIUM, LOW'],
      [{ type: 'subscribe', filters: { region: ['eu'] } }, 'unknown filter "region"'],
      [{ type: 'subscribe', filters: { store: 'STORE_001' } }, 'filters.store must be a list'],
      [{ type: 'subscribe', filters: ['STORE_001'] }, 'filters must be an object'],
      [{ type: 'subscribe', filters: { service: [''] } }, 'non-empty strings'],
      [{ type: 'subscribe', filters: { service: Array.from({ length: 101 }, (_, i) => `s${i}`) } }, 'more than 100 values'],
      [{ type: 'subscribe', filter: {} }, 'unknown field "filter"'],
    ];
    for (const [message, expected] of bad) {
      client.send(message);
      const answer = await client.next('error');
      expect(answer.message).toContain(expected);
    }
    client.socket.send(new Uint8Array([1, 2, 3]));
    expect((await client.next('error')).message).toContain('binary');
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.send({ type: 'subscribe', filters: { severity: ['LOW'] } });
    expect((await client.next('backfill')).filters).toEqual({ severity: ['LOW'] });
  });

  it('closes a client that sends a message over maxMessageBytes with 1009', async () => {
    server = await startLiveServer({ maxMessageBytes: 1024 });
    const client = await connect();
    client.send({ type: 'subscribe', filters: { service: ['x'.repeat(2_000)] } });
    expect((await client.closed).code).toBe(1009);
  });

  it('subscribes to the bus while clients are connected, and unsubscribes when the last one leaves', async () => {
    server = await startLiveServer();
    expect(server.bus.listenerCount).toBe(0);
    const first = await connect();
    const second = await connect();
    expect(server.bus.listenerCount).toBe(1);
    await first.close();
    await vi.waitFor(async () => expect((await server!.stats()).connections).toBe(1));
    expect(server.bus.listenerCount).toBe(1);
    await second.close();
    await vi.waitFor(() => expect(server!.bus.listenerCount).toBe(0));
  });

  it('serializes an event once for all the clients it goes to, and not at all when no filter lets it through', async () => {
    server = await startLiveServer();
    const unfiltered = [await connect(), await connect(), await connect()];
    const lowOnly = await connect('&severity=LOW');
    for (const client of [...unfiltered, lowOnly]) await client.next('backfill');
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const event = server.bus.publish(errorDetected({ severity: 'HIGH' }));
      expect(stringify.mock.calls.filter(([value]) => value === event)).toHaveLength(1);
      for (const client of unfiltered) expect(seqs(await liveEvents(client, 1))).toEqual([event.seq]);
      stringify.mockClear();
      await Promise.all(unfiltered.map((client) => client.close()));
      await vi.waitFor(async () => expect((await server!.stats()).connections).toBe(1));
      const skipped = server.bus.publish(errorDetected({ severity: 'HIGH' }));
      expect(stringify.mock.calls.filter(([value]) => value === skipped)).toHaveLength(0);
    } finally {
      stringify.mockRestore();
    }
    const stats = await server.stats();
    expect(stats).toMatchObject({ accepted: 4, eventsSent: 3 });
  });

  it('terminates a client that breaks the protocol (an unmasked frame), and keeps serving the others', async () => {
    server = await startLiveServer();
    const other = await connect();
    const result = await rawUpgrade(server.feedUrl(await server.ticket()));
    if (!result.upgraded) throw new Error(`refused: ${result.status}`);
    await result.client.nextJson();
    // Clients must mask their frames (RFC 6455 §5.1): the server fails the connection.
    result.client.socket.write(Buffer.from([0x81, 0x02, 0x7b, 0x7d]));
    await result.client.closed;
    await vi.waitFor(async () => expect((await server!.stats()).connections).toBe(1));
    const event = server.bus.publish(errorDetected());
    expect(seqs(await liveEvents(other, 1))).toEqual([event.seq]);
  });

  it('accepts a raw RFC 6455 client and writes frames it can parse', async () => {
    server = await startLiveServer();
    const result = await rawUpgrade(server.feedUrl(await server.ticket()));
    if (!result.upgraded) throw new Error(`refused: ${result.status}`);
    expect(await result.client.nextJson()).toMatchObject({ type: 'hello' });
    expect(await result.client.nextJson()).toMatchObject({ type: 'backfill', events: [] });
    result.client.sendText(JSON.stringify({ type: 'subscribe', filters: { severity: ['LOW'] } }));
    expect(await result.client.nextJson()).toMatchObject({ type: 'backfill', filters: { severity: ['LOW'] } });
    result.client.destroy();
  });
});
