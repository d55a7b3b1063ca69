import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import { protobufRequest } from '@stacklens/test-support/otlp';
import { rawUpgrade } from '../publish/support/rawWebSocket.ts';

/*
 * Every route the fully built receiver registers is recorded as Fastify adds it (an onRoute hook
 * on each instance the real `fastify` factory creates), so a route added later — by an
 * integration, say — is walked too and cannot slip past these checks.
 */
const registered = vi.hoisted(() => ({ routes: [] as RouteOptions[] }));
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const recording = ((options?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(options) as FastifyInstance;
    app.addHook('onRoute', (route) => void registered.routes.push(route));
    return app;
  }) as unknown as typeof actual.default;
  return { ...actual, default: recording, fastify: recording };
});

const SECRETS = {
  viewer: 'viewer-token-security-0123456789',
  admin: 'admin-token-security-9876543210',
  ingest: 'ingest-token-security-abcdef',
  // Random bytes (openssl rand -base64 32): a key of text or repeated bytes is refused.
  secretKey: '49+EJ+E9E8enL18ufohSALuEEbyUpC26o4ib1kEqUVo=',
};
/** Changes the viewer may make: fetching its own live-feed ticket. Any other non-GET route needs the admin token. */
const VIEWER_CHANGES = new Set(['POST /api/live/ticket']);
/**
 * /api routes that prove their caller otherwise than by the bearer token, each with the reason.
 * They must still refuse a caller without their proof (a 4xx), bearer token or not.
 */
const OWN_AUTHENTICATION = new Map([
  ['POST /api/integrations/jira/webhook', "Jira's shared secret as its X-Hub-Signature HMAC of the body: Jira cannot send a bearer token"],
]);

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-security-'));
const logLines: string[] = [];
const bodies: string[] = [];
let store: LogStore;
let receiver: Receiver;

interface Route {
  method: string;
  url: string;
  websocket: boolean;
  querystring: Record<string, unknown>;
}

function bearerRoutes(): Route[] {
  return apiRoutes().filter((route) => !route.websocket && !OWN_AUTHENTICATION.has(`${route.method} ${route.url}`));
}

function apiRoutes(): Route[] {
  const routes = registered.routes.flatMap((route) =>
    [route.method].flat().map((method) => ({
      method,
      url: route.url,
      // @fastify/websocket routes: a wsHandler (or websocket: true); a plain GET of them answers 426.
      websocket: Boolean(
        (route as RouteOptions & { wsHandler?: unknown; websocket?: boolean }).wsHandler ?? (route as { websocket?: boolean }).websocket,
      ),
      querystring: (route.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties ?? {},
    })),
  );
  return routes.filter((route) => route.url === '/api' || route.url.startsWith('/api/'));
}

/** A concrete path: every `:param` filled in. */
function pathOf(url: string, param = 'no-such-id'): string {
  return url.replace(/:[A-Za-z_]+/g, encodeURIComponent(param)).replace(/\*$/, 'anything');
}

async function call(method: string, url: string, authorization?: string): Promise<LightMyRequestResponse> {
  const response = await receiver.app.inject({
    method: method as 'GET',
    url,
    headers: authorization ? { authorization } : {},
    ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }),
  });
  bodies.push(response.body);
  return response;
}

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  receiver = await createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: dataDir,
      STACKLENS_VIEWER_TOKEN: SECRETS.viewer,
      STACKLENS_ADMIN_TOKEN: SECRETS.admin,
      STACKLENS_INGEST_TOKEN: SECRETS.ingest,
      STACKLENS_SECRET_KEY: SECRETS.secretKey,
    }),
    { store, logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } } },
  );
  const ingest = await receiver.app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${SECRETS.ingest}` },
    payload: protobufRequest([
      { errorCode: 'MISSING_PRICE', body: 'Product 999 has no price', store: 'STORE_001', kiosk: 'KIOSK_1' },
      { errorCode: 'PAYMENT_FAILED', body: 'Payment gateway timeout', store: 'STORE_002' },
    ]),
  });
  expect(ingest.statusCode).toBe(200);
  await receiver.tracker.flush();
});

afterAll(async () => {
  await receiver?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the route table of a fully built receiver', () => {
  it('has the API routes this suite expects to guard (so the walk below walks something)', () => {
    const names = apiRoutes().map((route) => `${route.method} ${route.url}`);
    for (const expected of [
      'GET /api/incidents',
      'GET /api/incidents/:id',
      'POST /api/incidents/:id/ack',
      'GET /api/errors',
      'GET /api/stats',
      'POST /api/live/ticket',
      'GET /api/docs/json',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('every /api route refuses a missing, wrong or malformed token with 401', async () => {
    const refusals: string[] = [];
    for (const route of bearerRoutes()) {
      for (const authorization of [
        undefined,
        'Bearer wrong-token-0123456789',
        `Basic ${SECRETS.admin}`,
        `Bearer ${SECRETS.admin}x`,
        `Bearer  ${SECRETS.admin}`,
        SECRETS.admin,
        `Bearer ${SECRETS.ingest}`,
      ]) {
        const response = await call(route.method, pathOf(route.url), authorization);
        if (response.statusCode !== 401)
          refusals.push(`${route.method} ${route.url} with ${authorization ?? 'no token'}: ${response.statusCode}`);
      }
    }
    expect(refusals).toEqual([]);
  });

  it('every /api change refuses the viewer token with 403; reads never refuse it as unauthenticated', async () => {
    const wrong: string[] = [];
    for (const route of bearerRoutes()) {
      const name = `${route.method} ${route.url}`;
      const response = await call(route.method, pathOf(route.url), `Bearer ${SECRETS.viewer}`);
      const change = route.method !== 'GET' && route.method !== 'HEAD' && !VIEWER_CHANGES.has(name);
      if (change && response.statusCode !== 403) wrong.push(`${name}: ${response.statusCode}`);
      if (!change && (response.statusCode === 401 || response.statusCode >= 500)) wrong.push(`${name}: ${response.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a live-feed ticket fetched with the viewer token is no bearer token, least of all an admin's", async () => {
    const issued = await call('POST', '/api/live/ticket', `Bearer ${SECRETS.viewer}`);
    expect(issued.statusCode).toBe(200);
    const { ticket } = issued.json() as { ticket: string };
    const accepted: string[] = [];
    for (const route of bearerRoutes()) {
      for (const [authorization, url] of [
        [`Bearer ${ticket}`, pathOf(route.url)],
        [undefined, `${pathOf(route.url)}?ticket=${encodeURIComponent(ticket)}`],
      ] as const) {
        const response = await call(route.method, url, authorization);
        if (response.statusCode !== 401) accepted.push(`${route.method} ${url} (${authorization ?? 'query'}): ${response.statusCode}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('routes with their own authentication refuse a caller without it, whatever bearer token it shows', async () => {
    const accepted: string[] = [];
    for (const route of apiRoutes().filter((candidate) => OWN_AUTHENTICATION.has(`${candidate.method} ${candidate.url}`))) {
      for (const authorization of [undefined, `Bearer ${SECRETS.viewer}`, `Bearer ${SECRETS.admin}`]) {
        const response = await call(route.method, pathOf(route.url), authorization);
        if (response.statusCode < 400 || response.statusCode >= 500) accepted.push(`${route.method} ${route.url}: ${response.statusCode}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('WebSocket routes refuse an upgrade without a ticket, or with a token in its place', async () => {
    const address = await receiver.app.listen({ host: '127.0.0.1', port: 0 });
    const websockets = apiRoutes().filter((route) => route.websocket);
    expect(websockets.length).toBeGreaterThan(0);
    for (const route of websockets) {
      for (const query of ['', `?ticket=${SECRETS.viewer}`, `?ticket=${SECRETS.admin}`]) {
        const result = await rawUpgrade(`${address.replace(/^http/, 'ws')}${pathOf(route.url)}${query}`);
        expect(result.upgraded ? 101 : result.status, `${route.url}${query}`).toBe(401);
      }
    }
  });
});

/** Strings that break SQL built by concatenation, quoting or LIKE patterns. */
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE stacklens.otel_logs; --",
  "x' UNION SELECT name, name FROM system.tables --",
  '\\',
  "\\'",
  '%',
  '_',
  '{id:String}',
  '`',
  '"',
  '\u0000',
  ') OR 1=1 --',
  'STORE_001%',
  '1; SYSTEM SHUTDOWN',
  'x'.repeat(5_000),
];

describe('user input in SQL', () => {
  it('injection strings in every filter and path parameter of every GET route: 200 or 4xx, never 5xx, and no effect', async () => {
    const countsBefore = await store.transport.query<{ logs: string; tables: string }>(
      `SELECT (SELECT count() FROM stacklens.otel_logs) AS logs, (SELECT count() FROM system.tables WHERE database = 'stacklens') AS tables`,
    );
    const failures: string[] = [];
    const gets = bearerRoutes().filter((route) => route.method === 'GET');
    for (const route of gets) {
      for (const injection of INJECTIONS) {
        const urls = [
          ...Object.keys(route.querystring).map((name) => `${pathOf(route.url)}?${name}=${encodeURIComponent(injection)}`),
          ...(route.url.includes(':') ? [pathOf(route.url, injection)] : []),
        ];
        for (const url of urls) {
          const response = await call('GET', url, `Bearer ${SECRETS.admin}`);
          // 414: Fastify refuses a path parameter over 100 characters before routing.
          if (![200, 400, 404, 414].includes(response.statusCode))
            failures.push(`${url.slice(0, 120)}: ${response.statusCode} ${response.body.slice(0, 200)}`);
          // A filter that matched anything would have been read as SQL (no record carries these strings) — but
          // `_` is in error types and store ids, which the free-text filter searches literally (`%` must still match nothing).
          const total = response.statusCode === 200 ? (response.json() as { total?: number }).total : undefined;
          const literal = injection === '_' && url.startsWith('/api/incidents?text=');
          if (total !== undefined && total > 0 && route.url !== '/api/stats' && !literal)
            failures.push(`${url.slice(0, 120)}: matched ${total}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(
      await store.transport.query(
        `SELECT (SELECT count() FROM stacklens.otel_logs) AS logs, (SELECT count() FROM system.tables WHERE database = 'stacklens') AS tables`,
      ),
    ).toEqual(countsBefore);
    // The filters still work after all that: a real value finds its records.
    expect((await call('GET', '/api/errors?store=STORE_001', `Bearer ${SECRETS.viewer}`)).json()).toMatchObject({ total: 1 });
  }, 180_000);
});

describe('secrets', () => {
  it('never appear in a response body or a log line', () => {
    expect(bodies.length).toBeGreaterThan(100);
    expect(logLines.length).toBeGreaterThan(100);
    // The WebSocket test above puts tokens in URLs on purpose (as a misguided client would); the
    // request log records URLs, so those lines are the client's doing and are left out here.
    const sentInUrl = (line: string, secret: string) => {
      const url = (JSON.parse(line) as { req?: { url?: string } }).req?.url;
      return url?.includes(secret) === true;
    };
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(
        bodies.filter((body) => body.includes(secret)),
        name,
      ).toEqual([]);
      expect(
        logLines.filter((line) => line.includes(secret) && !sentInUrl(line, secret)),
        name,
      ).toEqual([]);
    }
  });
});
