import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveFeedClient, liveUrl, type ConnectionState } from '../../src/live/LiveFeedClient.ts';
import type { LiveEvent } from '../../src/types.ts';
import { summary } from '../support/fixtures.ts';
import { FakeSocket } from '../support/FakeSocket.ts';

function start(fetchTicket: () => Promise<string>) {
  const states: ConnectionState[] = [];
  const events: Array<{ event: LiveEvent; replayed: boolean }> = [];
  const client = new LiveFeedClient({
    receiverUrl: 'https://stacklens.example.com/prefix/',
    fetchTicket,
    onEvent: (event, replayed) => events.push({ event, replayed }),
    onState: (state) => states.push(state),
    openSocket: FakeSocket.factory,
    initialBackoffMs: 1_000,
    maxBackoffMs: 8_000,
    random: () => 0.5,
  });
  client.start();
  return { client, states, events };
}

const created: LiveEvent = { type: 'incident.created', seq: 3, at: 1, incident: summary() };

describe('the live feed client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
  });
  afterEach(() => vi.useRealTimers());

  it('opens the feed with a fresh ticket, goes live on hello and hands over backfill and live events', async () => {
    const { client, states, events } = start(async () => 'ticket-1');
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.last.url).toBe('wss://stacklens.example.com/prefix/api/live?ticket=ticket-1');
    expect(states.at(-1)).toEqual({ status: 'connecting', attempt: 1 });
    FakeSocket.last.hello();
    expect(states.at(-1)?.status).toBe('live');
    FakeSocket.last.deliver({ type: 'backfill', filters: {}, events: [created] });
    FakeSocket.last.deliver({ ...created, seq: 4 });
    FakeSocket.last.deliver({ type: 'heartbeat', serverTime: 'x' });
    FakeSocket.last.onmessage?.({ data: 'not json' });
    expect(events).toEqual([
      { event: created, replayed: true },
      { event: { ...created, seq: 4 }, replayed: false },
    ]);
    client.stop();
    expect(FakeSocket.last.closedWith).toEqual({ code: 1000, reason: 'page closed' });
    expect(states.at(-1)).toEqual({ status: 'stopped' });
  });

  it('reconnects after a drop with back-off, each time with a new ticket, and resets the back-off once live', async () => {
    let issued = 0;
    const { client, states } = start(async () => `ticket-${++issued}`);
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.last.drop(1006);
    expect(states.at(-1)).toEqual({ status: 'reconnecting', attempt: 1, retryInMs: 1_000, reason: 'connection lost' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSocket.last.url).toContain('ticket=ticket-2');
    FakeSocket.last.drop(1013, 'too slow');
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 2, retryInMs: 2_000, reason: 'closed (1013 too slow)' });
    await vi.advanceTimersByTimeAsync(2_000);
    FakeSocket.last.hello();
    FakeSocket.last.drop(1001, 'server shutting down');
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, retryInMs: 1_000 });
    expect(FakeSocket.opened).toHaveLength(3);
    client.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.opened).toHaveLength(3);
  });

  it('retries when no ticket can be had (receiver or proxy down)', async () => {
    let fail = true;
    const { client, states } = start(async () => {
      if (fail) throw new Error('the receiver could not be reached');
      return 'ticket-ok';
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', reason: 'no ticket: the receiver could not be reached' });
    expect(FakeSocket.opened).toHaveLength(0);
    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSocket.last.url).toContain('ticket=ticket-ok');
    client.stop();
  });

  it('treats a server that stops sending heartbeats as gone', async () => {
    const { client, states } = start(async () => 'ticket');
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.last.hello(1_000);
    await vi.advanceTimersByTimeAsync(2_400);
    expect(states.at(-1)?.status).toBe('live');
    await vi.advanceTimersByTimeAsync(200);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', reason: 'no heartbeat from the receiver' });
    expect(FakeSocket.opened[0]!.closedWith?.code).toBe(4000);
    client.stop();
  });

  it('retries when the socket cannot even be created', async () => {
    const states: ConnectionState[] = [];
    const client = new LiveFeedClient({
      receiverUrl: 'http://receiver:4318',
      fetchTicket: async () => 't',
      onEvent: () => {},
      onState: (state) => states.push(state),
      openSocket: () => {
        throw new Error('blocked by policy');
      },
    });
    client.start();
    client.start(); // a second start while running changes nothing
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', reason: 'cannot open the feed: blocked by policy' });
    client.stop();
  });
});

describe('back-off and URLs', () => {
  it('doubles up to the ceiling, with jitter of ±20 %', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, 1_000, 10_000, () => 0.5))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    expect(backoffDelay(1, 1_000, 10_000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1_000, 10_000, () => 1)).toBe(1_200);
  });

  it('turns the receiver URL into the feed URL', () => {
    expect(liveUrl('http://127.0.0.1:4318', 'a b')).toBe('ws://127.0.0.1:4318/api/live?ticket=a+b');
  });
});
