import { afterEach, describe, expect, it } from 'vitest';
import { rawUpgrade } from './support/rawWebSocket.ts';
import { startLiveServer, TOKENS, type LiveServer } from './support/liveServer.ts';

let server: LiveServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function postTicket(base: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return fetch(`${base}/api/live/ticket`, { method: 'POST', headers, body });
}

describe('POST /api/live/ticket', () => {
  it('needs the viewer or admin bearer token', async () => {
    server = await startLiveServer();
    expect((await postTicket(server.http)).status).toBe(401);
    expect((await postTicket(server.http, { authorization: 'Bearer not-a-token-at-all' })).status).toBe(401);
    for (const token of [TOKENS.viewer, TOKENS.admin]) {
      const response = await postTicket(server.http, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as { ticket: string; expiresAt: string };
      expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const lifetime = Date.parse(body.expiresAt) - Date.now();
      expect(lifetime).toBeGreaterThan(25_000);
      expect(lifetime).toBeLessThanOrEqual(30_000);
    }
  });

  it('takes no body or an empty JSON object, and refuses a body of another shape', async () => {
    server = await startLiveServer();
    const auth = { authorization: `Bearer ${TOKENS.viewer}`, 'content-type': 'application/json' };
    expect((await postTicket(server.http, auth, '{}')).status).toBe(200);
    expect((await postTicket(server.http, auth, '["admin"]')).status).toBe(400);
    // Unknown properties are stripped or refused as the app's Ajv is set; either way a ticket grants reading only.
    expect([200, 400]).toContain((await postTicket(server.http, auth, '{"role":"admin"}')).status);
  });

  it('is not a bearer token: a ticket opens nothing but the feed', async () => {
    server = await startLiveServer();
    const ticket = await server.ticket(TOKENS.admin);
    expect((await postTicket(server.http, { authorization: `Bearer ${ticket}` })).status).toBe(401);
    const stats = await fetch(`${server.http}/api/live/stats`, { headers: { authorization: `Bearer ${ticket}` } });
    expect(stats.status).toBe(401);
  });
});

describe('GET /api/live ticket checks (refused with HTTP 401 before the upgrade)', () => {
  it('refuses an upgrade without a ticket or with an unknown one', async () => {
    server = await startLiveServer();
    const none = await rawUpgrade(`${server.http}/api/live`);
    expect(none).toMatchObject({ upgraded: false, status: 401 });
    if (none.upgraded) throw new Error('upgraded without a ticket');
    expect(JSON.parse(none.body)).toMatchObject({ code: 'UNAUTHORIZED' });
    // The socket is destroyed after the answer, and the answer says so.
    expect(none.headers.connection).toBe('close');
    expect(await rawUpgrade(`${server.http}/api/live?ticket=made-up`)).toMatchObject({ upgraded: false, status: 401 });
    expect((await server.stats()).ticketsRefused).toBe(2);
  });

  it('lets a ticket open one connection, once', async () => {
    server = await startLiveServer();
    const ticket = await server.ticket();
    const first = await rawUpgrade(server.feedUrl(ticket));
    expect(first.upgraded).toBe(true);
    const again = await rawUpgrade(server.feedUrl(ticket));
    expect(again).toMatchObject({ upgraded: false, status: 401 });
    if (first.upgraded) first.client.destroy();
  });

  it('refuses an expired ticket', async () => {
    server = await startLiveServer({ ticketTtlMs: 50 });
    const ticket = await server.ticket();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await rawUpgrade(server.feedUrl(ticket))).toMatchObject({ upgraded: false, status: 401 });
    expect((await server.stats()).ticketsOutstanding).toBe(0);
  });

  it('makes a browser WebSocket fail without a ticket', async () => {
    server = await startLiveServer();
    const socket = new WebSocket(`${server.ws}/api/live`);
    const outcome = await new Promise<string>((resolve) => {
      socket.addEventListener('open', () => resolve('open'));
      socket.addEventListener('error', () => resolve('error'));
    });
    expect(outcome).toBe('error');
  });

  it('does not burn the ticket on a malformed filter or a plain GET', async () => {
    server = await startLiveServer();
    const ticket = await server.ticket();
    const url = server.feedUrl(ticket);
    const badFilter = await rawUpgrade(`${url}&severity=URGENT`);
    expect(badFilter).toMatchObject({ upgraded: false, status: 400 });
    expect((badFilter as { body: string }).body).toContain('URGENT');
    const plain = await fetch(url.replace(/^ws/, 'http'));
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    const ok = await rawUpgrade(url);
    expect(ok.upgraded).toBe(true);
    if (ok.upgraded) ok.client.destroy();
  });

  it('keeps at most maxTickets unredeemed tickets, forgetting the oldest', async () => {
    server = await startLiveServer({ maxTickets: 3 });
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await server.ticket());
    const stats = await server.stats();
    expect(stats).toMatchObject({ ticketsIssued: 5, ticketsOutstanding: 3 });
    expect(await rawUpgrade(server.feedUrl(tickets[0]!))).toMatchObject({ status: 401 });
    const newest = await rawUpgrade(server.feedUrl(tickets[4]!));
    expect(newest.upgraded).toBe(true);
    if (newest.upgraded) newest.client.destroy();
  });
});
