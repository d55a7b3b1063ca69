import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError, errorMessage } from '../../src/api/ApiRequestError.ts';
import { fetchTransport } from '../../src/api/fetchTransport.ts';
import { createStackLensApi } from '../../src/api/StackLensApi.ts';
import { closedPort } from '@stacklens/test-support/network';

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string | undefined;
}

/** A real HTTP server standing in for Grafana's plugin proxy: records requests, answers by path. */
let server: Server;
let origin: string;
const seen: Seen[] = [];
const answers: Record<string, { status: number; body: string; type?: string }> = {};

beforeAll(async () => {
  server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ method: request.method!, url: request.url!, body, contentType: request.headers['content-type'] });
    const answer = answers[`${request.method} ${request.url!.split('?')[0]}`] ?? {
      status: 404,
      body: JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
    };
    response.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const P = '/api/plugin-proxy/stacklens-stacklens-app';
const api = () => createStackLensApi(fetchTransport(origin));

describe('the API client over the plugin proxy', () => {
  it('reads through the viewer route with query strings, and acts through the editor route with JSON bodies', async () => {
    answers[`GET ${P}/incidents`] = { status: 200, body: JSON.stringify({ total: 0, items: [] }) };
    answers[`GET ${P}/incidents/a%2Fb`] = { status: 200, body: '{"incident":{}}' };
    answers[`POST ${P}/incidents/a%2Fb/ack`] = { status: 200, body: '{"id":"a/b"}' };
    answers[`POST ${P}/incidents/a%2Fb/resolve`] = { status: 200, body: '{"id":"a/b"}' };
    answers[`POST ${P}/live/ticket`] = { status: 200, body: '{"ticket":"t1","expiresAt":"x"}' };
    expect(await api().incidents({ severity: 'HIGH', store: 'STORE_001' })).toEqual({ total: 0, items: [] });
    await api().incident('a/b', 30);
    expect(await api().acknowledge('a/b')).toEqual({ id: 'a/b' });
    await api().resolve('a/b');
    expect((await api().liveTicket()).ticket).toBe('t1');
    const tail = seen.slice(-5);
    expect(tail.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${P}/incidents?limit=200&severity=HIGH&store=STORE_001`,
      `GET ${P}/incidents/a%2Fb?minutes=30`,
      `POST ${P}/incidents/a%2Fb/ack`,
      `POST ${P}/incidents/a%2Fb/resolve`,
      `POST ${P}/live/ticket`,
    ]);
    expect(tail[2]).toMatchObject({ body: '{}', contentType: 'application/json' });
    expect(tail[0]!.contentType).toBeUndefined();
  });

  it('tells a linked ticket (200) from a queued one (202) and leaves out empty notes', async () => {
    answers[`POST ${P}/incidents/i1/jira`] = { status: 200, body: JSON.stringify({ ticket: { key: 'POS-1' } }) };
    expect(await api().createTicket('i1', '  ')).toEqual({ kind: 'linked', ticket: { key: 'POS-1' } });
    expect(seen.at(-1)!.body).toBe('{}');
    answers[`POST ${P}/incidents/i1/jira`] = { status: 202, body: JSON.stringify({ jobId: 'j1' }) };
    expect(await api().createTicket('i1', 'note')).toEqual({ kind: 'queued', detail: { jobId: 'j1' } });
    expect(seen.at(-1)!.body).toBe('{"notes":"note"}');
    answers[`POST ${P}/incidents/i2/jira`] = { status: 200, body: JSON.stringify({ key: 'POS-2' }) };
    expect(await api().createTicket('i2', '')).toEqual({ kind: 'linked', ticket: { key: 'POS-2' } });
  });

  it('merges and unmerges through the admin incidents route, with the target in the body, and searches with text=', async () => {
    answers[`POST ${P}/admin/incidents/a%2Fb/merge`] = { status: 200, body: '{"id":"fp-2","count":5}' };
    answers[`POST ${P}/admin/incidents/a%2Fb/unmerge`] = { status: 200, body: '{"id":"a/b"}' };
    answers[`GET ${P}/incidents`] = { status: 200, body: JSON.stringify({ total: 0, items: [] }) };
    expect(await api().merge('a/b', 'fp-2')).toEqual({ id: 'fp-2', count: 5 });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"into":"fp-2"}', contentType: 'application/json' });
    expect(await api().unmerge('a/b')).toEqual({ id: 'a/b' });
    expect(seen.at(-1)).toMatchObject({ url: `${P}/admin/incidents/a%2Fb/unmerge`, body: '{}' });
    await api().incidents({ text: 'order ORD-7Q2K & 999' });
    expect(seen.at(-1)!.url).toBe(`${P}/incidents?limit=200&text=order+ORD-7Q2K+%26+999`);
    answers[`POST ${P}/admin/incidents/a%2Fb/merge`] = {
      status: 409,
      body: JSON.stringify({ statusCode: 409, code: 'CONFLICT', message: 'already part of fp-2' }),
    };
    await expect(api().merge('a/b', 'fp-2')).rejects.toMatchObject({ status: 409, code: 'CONFLICT', message: 'already part of fp-2' });
  });

  it('drives the Jira settings through the admin route', async () => {
    answers[`GET ${P}/integrations/jira`] = {
      status: 404,
      body: JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', message: 'Jira is not configured' }),
    };
    expect(await api().jiraSettings()).toBeNull();
    answers[`PUT ${P}/integrations/jira`] = { status: 200, body: '{"apiTokenSet":true}' };
    answers[`DELETE ${P}/integrations/jira`] = { status: 204, body: '' };
    answers[`POST ${P}/integrations/jira/test`] = { status: 200, body: '{"ok":true,"checks":[]}' };
    await api().saveJiraSettings({
      baseUrl: 'https://x',
      email: 'a@b.c',
      projectKey: 'POS',
      issueType: 'Bug',
      enabled: true,
      autoCreate: false,
    });
    await api().removeJiraSettings();
    expect((await api().testJira()).ok).toBe(true);
    expect(seen.slice(-3).map((request) => request.method)).toEqual(['PUT', 'DELETE', 'POST']);
  });

  it('turns error answers into ApiRequestErrors with the receiver’s code and message', async () => {
    answers[`GET ${P}/stats`] = {
      status: 503,
      body: JSON.stringify({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'the store is not reachable' }),
    };
    await expect(api().stats()).rejects.toMatchObject({
      name: 'ApiRequestError',
      status: 503,
      code: 'STORE_UNAVAILABLE',
      message: 'the store is not reachable',
    });
    answers[`GET ${P}/stats`] = { status: 502, body: '<html>Bad Gateway</html>', type: 'text/html' };
    await expect(api().stats()).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: '<html>Bad Gateway</html>' });
    answers[`GET ${P}/stats`] = { status: 500, body: '' };
    await expect(api().stats()).rejects.toMatchObject({ message: 'the receiver answered HTTP 500' });
    // A receiver without the Jira routes is an error, not "not configured".
    delete answers[`GET ${P}/integrations/jira`];
    await expect(api().jiraSettings()).rejects.toBeInstanceOf(ApiRequestError);
  });

  it('reports a receiver that cannot be reached', async () => {
    const unreachable = createStackLensApi(fetchTransport(`http://127.0.0.1:${await closedPort()}`));
    const failure = await unreachable.stats().catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 0, code: 'HTTP_0' });
    expect(errorMessage(failure)).toMatch(/^the receiver could not be reached/);
    expect(errorMessage('plain')).toBe('plain');
    expect(ApiRequestError.from(0, null).message).toBe('the receiver could not be reached');
  });
});
