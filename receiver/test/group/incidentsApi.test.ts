import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveEvent } from '@stacklens/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiReceiver, TOKENS, type ApiReceiver } from './support/apiReceiver.ts';
import type { PosError } from '@stacklens/test-support/otlp';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-api-incidents-'));
let api: ApiReceiver;
const events: LiveEvent[] = [];

interface IncidentJson {
  id: string;
  fingerprint: string;
  errorType: string;
  severity: string;
  status: string;
  count: number;
  service: string;
  title: string;
  example: string;
  firstSeen: string;
  lastSeen: string;
  storeCounts: Record<string, number>;
  kioskCounts: Record<string, number>;
  regressions: number;
}

interface Page {
  total: number;
  items: IncidentJson[];
}

const missingPrice = (order: number, store: string, kiosk: string): PosError => ({
  errorCode: 'MISSING_PRICE',
  body: `Product 999 has no price (order ORD-${order})`,
  store,
  kiosk,
});

beforeAll(async () => {
  // The core incident API alone: the AI and Jira integrations have receiver-level tests of their own.
  api = await startApiReceiver(dataDir, {}, { integrations: [] });
  api.receiver.bus.subscribe((event) => events.push(event));
  await api.ingest([
    missingPrice(1, 'STORE_001', 'KIOSK_001'),
    missingPrice(2, 'STORE_001', 'KIOSK_002'),
    missingPrice(3, 'STORE_002', 'KIOSK_007'),
    { errorCode: 'PAYMENT_FAILED', body: 'Payment gateway declined card for order ORD-4', store: 'STORE_001', kiosk: 'KIOSK_001' },
    { errorCode: 'INVENTORY_SHORTAGE', body: 'Only 2 units of product 12 left, 5 asked', store: 'STORE_003', kiosk: 'KIOSK_009' },
    { service: 'checkout-api', body: 'Database connection refused', store: 'STORE_002' },
  ]);
});

afterAll(async () => {
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function listIncidents(query = ''): Promise<Page> {
  const response = await api.get(`/api/incidents${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
}

describe('GET /api/incidents', () => {
  it('groups the POS errors into incidents with counts and per-store/kiosk breakdowns', async () => {
    const page = await listIncidents();
    expect(page.total).toBe(4);
    const byType = Object.fromEntries(page.items.map((incident) => [incident.errorType, incident]));
    expect(Object.keys(byType).sort()).toEqual(['INVENTORY_SHORTAGE', 'LOG_ERROR', 'MISSING_PRICE', 'PAYMENT_FAILED']);
    expect(byType.MISSING_PRICE).toMatchObject({
      severity: 'CRITICAL',
      status: 'open',
      count: 3,
      service: 'demo-pos',
      storeCounts: { STORE_001: 2, STORE_002: 1 },
      kioskCounts: { 'STORE_001/KIOSK_001': 1, 'STORE_001/KIOSK_002': 1, 'STORE_002/KIOSK_007': 1 },
      regressions: 0,
    });
    expect(byType.MISSING_PRICE!.fingerprint).toBe(byType.MISSING_PRICE!.id);
    expect(Date.parse(byType.MISSING_PRICE!.firstSeen)).toBeLessThanOrEqual(Date.parse(byType.MISSING_PRICE!.lastSeen));
    expect(byType.LOG_ERROR).toMatchObject({ service: 'checkout-api', severity: 'MEDIUM', count: 1 });
  });

  it('filters by errorType, severity, service, store and status', async () => {
    expect((await listIncidents('?errorType=MISSING_PRICE')).items.map((i) => i.errorType)).toEqual(['MISSING_PRICE']);
    expect((await listIncidents('?severity=MEDIUM')).items.map((i) => i.errorType).sort()).toEqual(['INVENTORY_SHORTAGE', 'LOG_ERROR']);
    expect((await listIncidents('?service=checkout-api')).total).toBe(1);
    expect((await listIncidents('?store=STORE_002')).items.map((i) => i.errorType).sort()).toEqual(['LOG_ERROR', 'MISSING_PRICE']);
    expect((await listIncidents('?status=open')).total).toBe(4);
    expect((await listIncidents('?status=resolved')).total).toBe(0);
    expect((await listIncidents('?errorType=NOPE')).total).toBe(0);
  });

  it('finds by text: the template title, and the raw values of the samples that the template masks', async () => {
    const [missing] = (await listIncidents('?errorType=MISSING_PRICE')).items;
    expect(missing?.title).toBe('Product <num> has no price (order <id>)');
    // Beside the template, one real message as it arrived.
    expect(missing?.example).toMatch(/^Product 999 has no price \(order ORD-\d+\)$/);
    expect((await listIncidents('?text=999')).items.map((i) => i.errorType)).toEqual(['MISSING_PRICE']);
    expect((await listIncidents('?text=ord-4')).items.map((i) => i.errorType)).toEqual(['PAYMENT_FAILED']);
    expect((await listIncidents('?text=has%20no%20price')).items.map((i) => i.errorType)).toEqual(['MISSING_PRICE']);
    expect((await listIncidents('?text=kiosk_009')).items.map((i) => i.errorType)).toEqual(['INVENTORY_SHORTAGE']);
    expect((await listIncidents('?text=database&status=open')).total).toBe(1);
    expect((await listIncidents("?text='%20OR%201=1%20--")).total).toBe(0);
  });

  it('pages with limit and offset; total ignores them', async () => {
    const all = await listIncidents('?limit=500');
    const first = await listIncidents('?limit=3');
    const second = await listIncidents('?limit=3&offset=3');
    expect(first.total).toBe(4);
    expect(second.total).toBe(4);
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(1);
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.items.map((i) => i.id));
    expect((await listIncidents('?offset=10')).items).toEqual([]);
  });

  it('treats filter values as data: injection attempts match nothing and break nothing', async () => {
    for (const attack of [
      "' OR 1=1 --",
      "MISSING_PRICE' OR '1'='1",
      '{errorType:String}',
      '\\',
      "'); DROP TABLE stacklens.incidents; --",
    ]) {
      const query = `?errorType=${encodeURIComponent(attack)}&service=${encodeURIComponent(attack)}&store=${encodeURIComponent(attack)}`;
      expect(await listIncidents(query)).toEqual({ total: 0, items: [] });
    }
    expect((await listIncidents()).total).toBe(4);
  });
});

describe('GET /api/incidents/:id', () => {
  it('returns the incident, its per-minute histogram, samples and audit trail; analysis and ticket null without integrations', async () => {
    const [incident] = (await listIncidents('?errorType=MISSING_PRICE')).items;
    const response = await api.get(`/api/incidents/${incident!.id}?minutes=5`);
    expect(response.statusCode, response.body).toBe(200);
    const detail = response.json<{
      incident: IncidentJson;
      histogram: { from: string; to: string; bucketSeconds: number; total: number; buckets: Array<{ at: string; count: number }> };
      samples: Array<{ body: string; storeId: string; traceId: string; attributes: Record<string, string> }>;
      audit: Array<{ stage: string; at: string; actor: string; detail: string }>;
      analysis: unknown;
      ticket: unknown;
    }>();
    expect(detail.incident).toMatchObject({ id: incident!.id, count: 3, errorType: 'MISSING_PRICE' });
    expect(detail.incident).not.toHaveProperty('samples');
    expect(detail.histogram.buckets).toHaveLength(5);
    expect(detail.histogram.bucketSeconds).toBe(60);
    expect(detail.histogram.total).toBe(3);
    expect(detail.samples).toHaveLength(3);
    expect(detail.samples[0]!.body).toMatch(/^Product 999 has no price/);
    expect(detail.samples[0]!.attributes['error.code']).toBe('MISSING_PRICE');
    expect(detail.audit[0]).toMatchObject({ stage: 'detected', actor: 'stacklens' });
    expect(Number.isNaN(Date.parse(detail.audit[0]!.at))).toBe(false);
    expect(detail.analysis).toBeNull();
    expect(detail.ticket).toBeNull();
  });

  it('answers 404 NOT_FOUND for an unknown id', async () => {
    const response = await api.get('/api/incidents/0000000000000000');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'no incident with id "0000000000000000"' });
  });

  it('refuses a histogram window out of range', async () => {
    const response = await api.get('/api/incidents/x?minutes=0');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('querystring.minutes') });
  });
});

describe('POST /api/incidents/:id/ack and /resolve', () => {
  it('needs a token (401) and the editor or admin token (403 for the viewer)', async () => {
    const [incident] = (await listIncidents('?errorType=PAYMENT_FAILED')).items;
    for (const action of ['ack', 'resolve']) {
      const url = `/api/incidents/${incident!.id}/${action}`;
      const none = await api.post(url, null);
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
      expect((await api.post(url, 'not-the-token')).statusCode).toBe(401);
      const viewer = await api.post(url, TOKENS.viewer);
      expect(viewer.statusCode).toBe(403);
      expect(viewer.json()).toMatchObject({ code: 'FORBIDDEN', message: 'this action needs the editor or admin token' });
    }
    expect((await api.get(`/api/incidents/${incident!.id}`)).json()).toMatchObject({ incident: { status: 'open' } });
  });

  it('acknowledges then resolves through the tracker: the status changes, the live feed hears it, the audit grows', async () => {
    const [incident] = (await listIncidents('?errorType=PAYMENT_FAILED')).items;
    const url = `/api/incidents/${incident!.id}`;
    events.length = 0;

    const acked = await api.post(`${url}/ack`);
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toMatchObject({ id: incident!.id, status: 'acknowledged', count: 1 });
    expect((await listIncidents('?status=acknowledged')).items.map((i) => i.id)).toEqual([incident!.id]);

    const resolved = await api.post(`${url}/resolve`, TOKENS.admin, {});
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved' });

    expect(events.filter((e) => e.type === 'incident.updated').map((e) => e.type === 'incident.updated' && e.change)).toEqual([
      'acknowledged',
      'resolved',
    ]);
    const detail = (await api.get(url)).json<{ incident: IncidentJson; audit: Array<{ stage: string; actor: string }> }>();
    expect(detail.incident.status).toBe('resolved');
    expect(detail.audit.map((entry) => [entry.stage, entry.actor])).toEqual([
      ['detected', 'stacklens'],
      ['acknowledged', 'api'],
      ['resolved', 'api'],
    ]);
  });

  it('a resolved incident that fires again is a regression, open again', async () => {
    await api.ingest([{ errorCode: 'PAYMENT_FAILED', body: 'Payment gateway declined card for order ORD-99', store: 'STORE_004' }]);
    const [incident] = (await listIncidents('?errorType=PAYMENT_FAILED')).items;
    expect(incident).toMatchObject({ status: 'open', regressions: 1, count: 2, storeCounts: { STORE_001: 1, STORE_004: 1 } });
  });

  it("names the Grafana user of X-Grafana-Context as the actor, on requests with the editor or admin token (Grafana's app's)", async () => {
    const [incident] = (await listIncidents('?errorType=MISSING_PRICE')).items;
    const url = `/api/incidents/${incident!.id}`;
    // As Grafana's plugin proxy sends it: json.Marshal of the signed-in user, its UTF-8 bytes as they are.
    const context = (login: string) =>
      Buffer.from(
        JSON.stringify({ UserID: 7, OrgID: 1, OrgRole: 'Editor', Login: login, Name: 'Zoë Editor', IsAnonymous: false }),
        'utf8',
      ).toString('latin1');
    const acked = await api.post(`${url}/ack`, TOKENS.editor, undefined, { 'x-grafana-context': context('zoë') });
    expect(acked.statusCode, acked.body).toBe(200);
    // Grafana's app carries the admin token too (its Admin routes): the context names the Admin.
    const resolved = await api.post(`${url}/resolve`, TOKENS.admin, undefined, { 'x-grafana-context': context('ada') });
    expect(resolved.statusCode, resolved.body).toBe(200);
    // Garbage in the header from the plugin's token falls back to "api".
    const reopened = await api.post(`${url}/ack`, TOKENS.editor, undefined, { 'x-grafana-context': '{not json' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    const detail = (await api.get(url)).json<{ audit: Array<{ stage: string; actor: string }> }>();
    expect(detail.audit.filter((entry) => entry.stage !== 'detected').map((entry) => [entry.stage, entry.actor])).toEqual([
      ['acknowledged', 'grafana:zoë'],
      ['resolved', 'grafana:ada'],
      ['acknowledged', 'api'],
    ]);
    const tooLong = await api.post(`${url}/ack`, TOKENS.editor, undefined, { 'x-grafana-context': 'x'.repeat(20_000) });
    expect(tooLong.statusCode).toBe(400);
  });

  it('answers 404 for an unknown incident and 400 for a body with unknown fields', async () => {
    const missing = await api.post('/api/incidents/unknown-id/ack');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    const [incident] = (await listIncidents('?errorType=MISSING_PRICE')).items;
    const extra = await api.post(`/api/incidents/${incident!.id}/ack`, TOKENS.admin, { status: 'resolved' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'body.status is not a known property' });
  });
});

describe('validation and errors', () => {
  it('answers 400 VALIDATION_FAILED naming the field for a bad limit, an unknown filter or a bad enum', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/incidents?limit=501', /querystring\.limit must be <= 500/],
      ['/api/incidents?limit=0', /querystring\.limit must be >= 1/],
      ['/api/incidents?limit=ten', /querystring\.limit must be integer/],
      ['/api/incidents?offset=-1', /querystring\.offset/],
      ['/api/incidents?colour=red', /querystring\.colour is not a known property/],
      ['/api/incidents?severity=URGENT', /querystring\.severity must be equal to one of the allowed values/],
      ['/api/incidents?status=closed', /querystring\.status/],
    ];
    for (const [url, message] of cases) {
      const response = await api.get(url);
      expect(response.statusCode, url).toBe(400);
      const body = response.json<{ statusCode: number; code: string; message: string }>();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.statusCode).toBe(400);
      expect(body.message).toMatch(message);
    }
  });

  it('checks the token before the input: 401 for an invalid request without a token', async () => {
    expect((await api.get('/api/incidents?limit=9999', null)).statusCode).toBe(401);
  });

  it('answers unknown API routes with a NOT_FOUND body', async () => {
    const response = await api.get('/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'no route GET /api/nothing-here' });
  });

  it('answers a malformed JSON body with VALIDATION_FAILED and an unsupported one with UNSUPPORTED_MEDIA_TYPE', async () => {
    const [incident] = (await listIncidents('?errorType=MISSING_PRICE')).items;
    const url = `/api/incidents/${incident!.id}/ack`;
    const headers = { authorization: `Bearer ${TOKENS.admin}` };
    const malformed = await api.receiver.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"oops',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const xml = await api.receiver.app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/xml' },
      payload: '<ack/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
