import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiReceiver, TOKENS, type ApiReceiver } from './support/apiReceiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-api-errors-'));
let api: ApiReceiver;

const MINUTE = 60_000;
const T0 = Math.floor((Date.now() - 20 * MINUTE) / MINUTE) * MINUTE;
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

interface ErrorJson {
  incidentId: string;
  timestamp: string;
  timeUnixNano: string;
  detectedAt: string;
  service: string;
  errorType: string;
  severity: string;
  storeId: string;
  kioskId: string;
  traceId: string;
  body: string;
  errorCode: string;
}

beforeAll(async () => {
  api = await startApiReceiver(dataDir);
  await api.ingest([
    { errorCode: 'MISSING_PRICE', body: 'Product 999 has no price', store: 'STORE_001', kiosk: 'KIOSK_001', time: at(0) },
    { errorCode: 'MISSING_PRICE', body: 'Product 998 has no price', store: 'STORE_002', kiosk: 'KIOSK_002', time: at(1) },
    { errorCode: 'PAYMENT_FAILED', body: 'Payment Gateway TIMEOUT for order ORD-7', store: 'STORE_001', kiosk: 'KIOSK_003', time: at(2) },
    { errorCode: 'PRODUCT_NOT_FOUND', body: 'Product 4242 not found', store: 'STORE_003', kiosk: 'KIOSK_004', time: at(3) },
    { service: 'checkout-api', body: 'Kasse außer Betrieb: Ölstand', severity: SeverityNumber.FATAL, store: 'STORE_003', time: at(4) },
    // Not an error: the rules ignore it, so it is no occurrence.
    { service: 'checkout-api', body: 'all good', severity: SeverityNumber.INFO, time: at(5) },
  ]);
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function errors(query = ''): Promise<{ total: number; items: ErrorJson[] }> {
  const response = await api.get(`/api/errors${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('GET /api/errors', () => {
  it('lists every detected record, newest first, with the record and detection times', async () => {
    const page = await errors();
    expect(page.total).toBe(5);
    expect(page.items.map((item) => item.timestamp)).toEqual([at(4), at(3), at(2), at(1), at(0)].map((d) => d.toISOString()));
    const [latest] = page.items;
    expect(latest).toMatchObject({
      service: 'checkout-api',
      errorType: 'LOG_FATAL',
      severity: 'CRITICAL',
      storeId: 'STORE_003',
      kioskId: '',
    });
    expect(latest!.timeUnixNano).toBe(`${at(4).getTime()}000000`);
    expect(Date.parse(latest!.detectedAt)).toBeGreaterThanOrEqual(at(4).getTime());
    expect(page.items[4]).toMatchObject({ errorCode: 'MISSING_PRICE', storeId: 'STORE_001', kioskId: 'KIOSK_001' });
    expect(page.items[4]!.incidentId).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['severity=CRITICAL', 3],
    ['severity=MEDIUM', 1],
    ['errorType=MISSING_PRICE', 2],
    ['service=checkout-api', 1],
    ['service=demo-pos', 4],
    ['store=STORE_001', 2],
    ['kiosk=KIOSK_004', 1],
    [`from=${at(1).toISOString()}`, 4],
    [`to=${at(1).toISOString()}`, 2],
    [`from=${at(1).toISOString()}&to=${at(3).toISOString()}`, 3],
    ['text=no%20price', 2],
    ['text=gateway%20timeout', 1],
    ['text=%C3%96LSTAND', 1], // ÖLSTAND: case-insensitive beyond ASCII
    ['errorType=MISSING_PRICE&store=STORE_002', 1],
    ['severity=LOW', 0],
  ])('filters: %s → %i', async (query, expected) => {
    const page = await errors(`?${query}`);
    expect(page.total).toBe(expected);
    expect(page.items).toHaveLength(expected);
  });

  it('pages with limit and offset', async () => {
    const all = await errors();
    const pages = [await errors('?limit=2'), await errors('?limit=2&offset=2'), await errors('?limit=2&offset=4')];
    expect(pages.map((page) => page.total)).toEqual([5, 5, 5]);
    expect(pages.flatMap((page) => page.items)).toEqual(all.items);
  });

  it('matches text literally: LIKE wildcards and regex characters are plain characters', async () => {
    expect((await errors('?text=%25')).total).toBe(0);
    expect((await errors('?text=_')).total).toBe(0);
    expect((await errors('?text=.*')).total).toBe(0);
  });

  it('treats every filter value as data: injection strings return 0 rows, never an error or other rows', async () => {
    const attacks = [
      "' OR '1'='1",
      "x' OR 1=1 --",
      "'); DROP TABLE stacklens.incident_occurrences; --",
      '{text:String}',
      "\\' OR 1=1 --",
      '" OR ""="',
      '1; SELECT * FROM system.users',
    ];
    for (const attack of attacks) {
      for (const filter of ['errorType', 'service', 'store', 'kiosk', 'text']) {
        const page = await errors(`?${filter}=${encodeURIComponent(attack)}`);
        expect(page, `${filter}=${attack}`).toEqual({ total: 0, items: [] });
      }
      // Typed filters refuse what is not their type.
      expect((await api.get(`/api/errors?severity=${encodeURIComponent(attack)}`)).statusCode).toBe(400);
      expect((await api.get(`/api/errors?from=${encodeURIComponent(attack)}`)).statusCode).toBe(400);
    }
    expect((await errors()).total).toBe(5);
  });

  it('answers a range that ends before it starts with nothing, refuses bad dates and limits over 500', async () => {
    // A window ending before it starts holds nothing, like any filter nothing matches.
    const reversed = await api.get(`/api/errors?from=${at(3).toISOString()}&to=${at(1).toISOString()}`);
    expect(reversed.statusCode).toBe(200);
    expect(reversed.json()).toEqual({ total: 0, items: [] });
    // Dates the store's DateTime64 cannot hold are refused before any query.
    expect((await api.get('/api/errors?from=1899-12-31T23:59:59Z')).statusCode).toBe(400);
    expect((await api.get('/api/errors?to=2262-01-01T00:00:00Z')).statusCode).toBe(400);
    const badDate = await api.get('/api/errors?from=yesterday');
    expect(badDate.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('querystring.from') });
    const tooMany = await api.get('/api/errors?limit=1000');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: 'querystring.limit must be <= 500' });
  });

  it('needs a token', async () => {
    expect((await api.get('/api/errors', null)).statusCode).toBe(401);
    expect((await api.get('/api/errors', 'Bearer-less')).statusCode).toBe(401);
    expect((await api.get('/api/errors', TOKENS.admin)).statusCode).toBe(200);
  });
});

describe('GET /api/stats', () => {
  it('gives totals, severities, the critical count, stores and time-to-detect percentiles', async () => {
    const response = await api.get('/api/stats');
    expect(response.statusCode, response.body).toBe(200);
    const stats = response.json<Record<string, unknown>>();
    expect(stats).toMatchObject({
      totals: { incidents: 4, occurrences: 5, openIncidents: 4 },
      bySeverity: {
        CRITICAL: { incidents: 2, open: 2, occurrences: 3 },
        HIGH: { incidents: 1, open: 1, occurrences: 1 },
        MEDIUM: { incidents: 1, open: 1, occurrences: 1 },
        LOW: { incidents: 0, open: 0, occurrences: 0 },
      },
      critical: { incidents: 2, open: 2 },
      openTickets: 0,
      perStore: [
        { storeId: 'STORE_001', occurrences: 2, incidents: 2 },
        { storeId: 'STORE_003', occurrences: 2, incidents: 2 },
        { storeId: 'STORE_002', occurrences: 1, incidents: 1 },
      ],
      timeToTicketMs: null,
    });
    const detect = stats.timeToDetectMs as { p50: number; p95: number; p99: number; samples: number };
    expect(detect.samples).toBe(5);
    // The records were stamped 16 to 20 minutes before they were sent.
    expect(detect.p50).toBeGreaterThan(15 * MINUTE);
    expect(detect.p99).toBeGreaterThanOrEqual(detect.p50);
  });

  it('refuses unknown query parameters', async () => {
    expect((await api.get('/api/stats?since=1d')).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('GET /api/docs/json', () => {
  it('is an OpenAPI 3.1 document listing every /api route with bearer security and shared schemas', async () => {
    expect((await api.get('/api/docs/json', null)).statusCode).toBe(401);
    const response = await api.get('/api/docs/json');
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ApiError', 'Incident', 'ErrorRecord', 'Histogram', 'AuditEntry', 'IncidentSample']),
    );

    const routes = registeredApiRoutes();
    expect(routes).toEqual(expect.arrayContaining(['POST /api/incidents/:id/ack', 'GET /api/live/stats']));
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const route of routes) expect(documented).toContain(route);
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /api/errors',
        'GET /api/incidents',
        'GET /api/incidents/:id',
        'POST /api/incidents/:id/ack',
        'POST /api/incidents/:id/resolve',
        'GET /api/stats',
        'GET /api/docs/json',
      ]),
    );
    const list = doc.paths['/api/incidents']!.get!;
    expect(list.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
  });
});

/** Every method and path registered under /api, read from Fastify's own routing tree (HEAD aside). */
function registeredApiRoutes(): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of api.receiver.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) {
      if (path.startsWith('/api/')) routes.push(`${method} ${path}`);
    }
  }
  return routes;
}
