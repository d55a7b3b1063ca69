import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { interpolate } from '../../harness/grafana/goTemplate.ts';
import {
  direct,
  extractProxyPath,
  joinURLFragments,
  matchRoute,
  proxyPluginRequest,
  type PluginRoute,
  type PluginSettings,
  type ProxyRequest,
} from '../../harness/grafana/pluginProxy.ts';
import { signedInUser } from '../../harness/grafana/signedInUser.ts';
import { closedPort } from '@stacklens/test-support/network';

/**
 * The harness's port of Grafana's plugin proxy against the cases of Grafana's
 * pkg/api/pluginproxy/pluginproxy_test.go (TestPluginProxy, TestPluginProxyRoutes) and the
 * behaviour of HandleRequest those tests do not spell out (order, methods, roles, messages),
 * through a real HTTP backend.
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let backend: Server;
let backendUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  backend = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
    response.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': 'backend=1' }).end('I am the backend');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => backend.close(resolve)));
beforeEach(() => {
  seen.length = 0;
});

const EMPTY: PluginSettings = { jsonData: {}, secureJsonData: {} };
const viewer = signedInUser(3, 'test_user', 'Viewer');
const editor = signedInUser(4, 'ed', 'Editor');
const admin = signedInUser(5, 'ad', 'Admin');
const get = (url: string, headers: IncomingHttpHeaders = {}): ProxyRequest => ({ method: 'GET', url, headers, remoteAddress: '10.0.0.7' });
const proxyUrl = (path: string) => `/api/plugin-proxy/grafana-simple-app${path}`;

describe('TestPluginProxy (pkg/api/pluginproxy/pluginproxy_test.go)', () => {
  const dummy: PluginRoute = { path: 'api/v4/', url: 'https://www.google.com', reqRole: 'Editor' };
  const directed = (route: PluginRoute, settings: PluginSettings, config = {}, user = viewer) =>
    direct(get(proxyUrl('/api/v4/alerts')), route, '', user, settings, config);

  it('When getting proxy headers: the route header is templated from secureJsonData', () => {
    const route: PluginRoute = {
      path: '',
      url: 'http://localhost',
      headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }],
    };
    expect(directed(route, { jsonData: {}, secureJsonData: { key: '123' } }).headers['x-header']).toBe('my secret 123');
  });

  it('When SendUserHeader config is enabled / disabled / the user is anonymous', () => {
    expect(directed(dummy, EMPTY, { sendUserHeader: true }).headers['x-grafana-user']).toBe('test_user');
    expect(directed(dummy, EMPTY, { sendUserHeader: false }).headers['x-grafana-user']).toBeUndefined();
    const anonymous = signedInUser(0, '', 'Viewer', { IsAnonymous: true });
    expect(directed(dummy, EMPTY, { sendUserHeader: true }, anonymous).headers['x-grafana-user']).toBeUndefined();
  });

  it('When getting templated url / complex templated url', () => {
    const templated = directed(
      { path: '', url: '{{.JsonData.dynamicUrl}}', method: 'GET' },
      { jsonData: { dynamicUrl: 'https://dynamic.grafana.com' }, secureJsonData: {} },
    );
    expect(templated.origin + templated.path).toBe('https://dynamic.grafana.com/');
    const complex = directed(
      { path: '', url: '{{if .JsonData.apiHost}}{{.JsonData.apiHost}}{{else}}https://example.com{{end}}', method: 'GET' },
      EMPTY,
    );
    expect(complex.origin).toBe('https://example.com');
  });

  it('When getting templated body', () => {
    const route: PluginRoute = {
      path: 'api/body',
      url: 'http://www.test.com',
      body: '{ "url": "{{.JsonData.dynamicUrl}}", "secret": "{{.SecureJsonData.key}}"\t}',
    };
    const outgoing = directed(route, { jsonData: { dynamicUrl: 'https://dynamic.grafana.com' }, secureJsonData: { key: '123' } });
    expect(outgoing.body?.toString()).toBe('{ "url": "https://dynamic.grafana.com", "secret": "123"\t}');
  });

  it('When proxying a request should set expected response headers (CSP sandbox, no Set-Cookie)', async () => {
    const answer = await proxyPluginRequest(get(proxyUrl('/')), [{ path: '/', url: backendUrl }], EMPTY, viewer);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toBe('sandbox');
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.body.toString()).toBe('I am the backend');
  });
});

describe('TestPluginProxyRoutes: which route a path reaches and the URL it calls', () => {
  const routes = (): PluginRoute[] =>
    [
      { path: '', method: 'GET', url: '/' },
      { path: 'some-api', method: 'GET', url: '/api' },
      { path: 'some-api/instances', method: 'GET', url: '/api/instances/' },
      { path: 'some-api/*', method: 'GET', url: '/api' },
      { path: 'some-api/instances/*', method: 'GET', url: '/api/instances' },
      { path: 'some-other-api/*', method: 'GET', url: '/api/v2' },
      { path: 'some-other-api/instances/*', method: 'GET', url: '/api/v2/instances' },
    ].map((route) => ({ ...route, url: `${backendUrl}${route.url === '/' ? '' : route.url}` }));

  it.each([
    ['/notexists', 404, undefined],
    ['/', 200, '/'],
    ['/some-api', 200, '/api'],
    ['/some-api/instances', 200, '/api/instances/'],
    ['/some-api/some/thing', 200, '/api/some/thing'],
    ['/some-api/instances/instance-one', 200, '/api/instances/instance-one'],
    ['/some-other-api/some/thing', 200, '/api/v2/some/thing'],
    ['/some-other-api/instances/instance-one', 200, '/api/v2/instances/instance-one'],
  ])('proxying %s answers %i and calls %s', async (path, status, expectedUrl) => {
    const answer = await proxyPluginRequest(get(proxyUrl(path)), routes(), EMPTY, viewer);
    expect(answer.status).toBe(status);
    if (status === 404) {
      expect(JSON.parse(answer.body.toString())).toEqual({ message: 'plugin route match not found' });
      expect(seen).toEqual([]);
    } else {
      expect(seen.map((request) => request.url)).toEqual([expectedUrl]);
    }
  });
});

describe('HandleRequest: order, methods and roles', () => {
  const routes: PluginRoute[] = [
    { path: 'incidents/*', method: 'POST', reqRole: 'Editor', url: 'http://receiver/api/incidents' },
    { path: 'incidents/*', method: 'GET', reqRole: 'Viewer', url: 'http://receiver/api/incidents' },
    { path: 'integrations/*', reqRole: 'Admin', url: 'http://receiver/api/integrations' },
    { path: 'loose/*', reqRole: 'viewer', url: 'http://receiver/api' },
    { path: 'any', method: '*', url: 'http://receiver/any' },
  ];

  it('skips routes of another method, takes the first match, then checks its role', () => {
    expect(matchRoute(routes, 'GET', 'incidents/42', viewer)).toMatchObject({ kind: 'matched', route: routes[1], proxyPath: '42' });
    expect(matchRoute(routes, 'POST', 'incidents/42/ack', viewer)).toEqual({ kind: 'denied', route: routes[0] });
    expect(matchRoute(routes, 'POST', 'incidents/42/ack', editor)).toMatchObject({ kind: 'matched', proxyPath: '42/ack' });
    expect(matchRoute(routes, 'PUT', 'incidents/42', admin)).toEqual({ kind: 'not-found' });
    expect(matchRoute(routes, 'DELETE', 'integrations/jira', editor)).toMatchObject({ kind: 'denied' });
    expect(matchRoute(routes, 'DELETE', 'integrations/jira', admin)).toMatchObject({ kind: 'matched', proxyPath: 'jira' });
    expect(matchRoute(routes, 'PATCH', 'any', viewer)).toMatchObject({ kind: 'matched', proxyPath: '' });
  });

  it('lets a server admin through every role, and checks nothing for a reqRole Grafana does not know', () => {
    const serverAdmin = signedInUser(1, 'admin', 'Viewer', { IsGrafanaAdmin: true });
    expect(matchRoute(routes, 'DELETE', 'integrations/jira', serverAdmin)).toMatchObject({ kind: 'matched' });
    const nobody = signedInUser(9, 'none', 'None');
    expect(matchRoute(routes, 'GET', 'incidents/1', nobody)).toMatchObject({ kind: 'denied' });
    expect(matchRoute(routes, 'GET', 'loose/anything', nobody)).toMatchObject({ kind: 'matched' });
  });

  it('does not match the bare prefix of a `*` route, nor a path below a route without one', () => {
    expect(matchRoute(routes, 'GET', 'incidents', admin)).toEqual({ kind: 'not-found' });
    expect(matchRoute(routes, 'GET', 'any/thing', admin)).toEqual({ kind: 'not-found' });
  });

  it('keeps a trailing slash only with the pluginProxyPreserveTrailingSlash flag', () => {
    expect(matchRoute(routes, 'GET', 'incidents/42/', viewer)).toMatchObject({ proxyPath: '42' });
    expect(matchRoute(routes, 'GET', 'incidents/42/', viewer, { preserveTrailingSlash: true })).toMatchObject({ proxyPath: '42/' });
  });

  it('answers 403 "plugin proxy route access denied" and 500 while the app has no settings', async () => {
    const denied = await proxyPluginRequest({ ...get('/api/plugin-proxy/app/incidents/1/ack'), method: 'POST' }, routes, EMPTY, viewer);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body.toString())).toEqual({ message: 'plugin proxy route access denied' });
    const unset = await proxyPluginRequest(get('/api/plugin-proxy/app/incidents/1'), routes, undefined, viewer);
    expect(unset.status).toBe(500);
  });
});

describe('director: what reaches the backend', () => {
  const route = (extra: Partial<PluginRoute> = {}): PluginRoute => ({
    path: 'incidents/*',
    url: '{{ .JsonData.receiverUrl }}/api/incidents?dropped=1',
    headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.viewerToken }}' }],
    ...extra,
  });
  const settings = (): PluginSettings => ({ jsonData: { receiverUrl: backendUrl }, secureJsonData: { viewerToken: 'v-token' } });

  it('joins the capture to the route URL, keeps the query, drops cookies and the caller’s credentials, adds the user', async () => {
    const user = signedInUser(7, 'zoë', 'Editor', { Name: 'Zoë <ops>' });
    const answer = await proxyPluginRequest(
      get(proxyUrl('/incidents/a%20b?minutes=30'), {
        cookie: 'grafana_session=secret',
        authorization: 'Basic Z3JhZmFuYQ==',
        referer: 'http://grafana/a/app/incident',
        origin: 'http://grafana',
        'x-forwarded-host': 'evil',
        'x-grafana-user': 'spoofed',
      }),
      [route()],
      settings(),
      user,
    );
    expect(answer.status).toBe(200);
    const [request] = seen;
    expect(request!.url).toBe('/api/incidents/a%20b?minutes=30');
    expect(request!.headers.authorization).toBe('Bearer v-token');
    expect(request!.headers.cookie).toBeUndefined();
    expect(request!.headers.origin).toBeUndefined();
    expect(request!.headers.referer).toBeUndefined();
    expect(request!.headers['x-forwarded-host']).toBeUndefined();
    expect(request!.headers['x-grafana-user']).toBeUndefined();
    expect(request!.headers['x-grafana-referer']).toBe('http://grafana/a/app/incident');
    expect(request!.headers['x-forwarded-for']).toBe('10.0.0.7, 10.0.0.7');
    const context = JSON.parse(Buffer.from(request!.headers['x-grafana-context'] as string, 'latin1').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(context).toMatchObject({ UserID: 7, Login: 'zoë', Name: 'Zoë <ops>', OrgRole: 'Editor', OrgID: 1 });
    expect(Object.keys(context).slice(0, 6)).toEqual(['UserID', 'UserUID', 'OrgID', 'OrgName', 'OrgRole', 'Login']);
    expect(Buffer.from(request!.headers['x-grafana-context'] as string, 'latin1').toString('utf8')).toContain('\\u003cops\\u003e');
  });

  it('unescapes the capture: an escaped slash in an id becomes a path separator upstream', async () => {
    await proxyPluginRequest(get(proxyUrl('/incidents/a%2Fb/ack')), [route()], settings(), viewer);
    expect(seen[0]!.url).toBe('/api/incidents/a/b/ack');
  });

  it('sends "<no value>" for a secret that was never saved, as Go’s text/template prints it', async () => {
    await proxyPluginRequest(
      get(proxyUrl('/incidents/1')),
      [route()],
      { jsonData: { receiverUrl: backendUrl }, secureJsonData: {} },
      viewer,
    );
    expect(seen[0]!.headers.authorization).toBe('Bearer <no value>');
  });

  it('answers 502 with an empty body when the target is down, 500 when the URL template does not parse', async () => {
    const down = await proxyPluginRequest(
      get(proxyUrl('/incidents/1')),
      [route()],
      { ...settings(), jsonData: { receiverUrl: `http://127.0.0.1:${await closedPort()}` } },
      viewer,
    );
    expect(down).toMatchObject({ status: 502 });
    expect(down.body.length).toBe(0);
    const broken = await proxyPluginRequest(
      get(proxyUrl('/incidents/1')),
      [route({ url: '{{ index .JsonData "x" }}' })],
      settings(),
      viewer,
    );
    expect(broken.status).toBe(500);
  });
});

describe('the pieces', () => {
  it('extractProxyPath and JoinURLFragments', () => {
    expect(extractProxyPath('/api/plugin-proxy/stacklens-stacklens-app/incidents/1')).toBe('incidents/1');
    expect(extractProxyPath('/api/plugin-proxy/stacklens-stacklens-app')).toBe('');
    expect(joinURLFragments('http://localhost:80', '')).toBe('http://localhost:80');
    expect(joinURLFragments('/api/', '/x')).toBe('/api/x');
    expect(joinURLFragments('/api', 'x')).toBe('/api/x');
    expect(joinURLFragments('/api/', 'x')).toBe('/api/x');
  });

  it('text/template: fields, if/else, orEmpty, trim markers, numbers as fmt prints them', () => {
    const data = { JsonData: { port: 4318, big: 1e21, small: 0.00001, flag: true, empty: '' }, SecureJsonData: { key: 'k' } };
    expect(interpolate('{{ .JsonData.port }}|{{.JsonData.big}}|{{.JsonData.small}}|{{.JsonData.flag}}', data)).toBe(
      '4318|1e+21|1e-05|true',
    );
    expect(interpolate('{{ if .JsonData.empty }}yes{{ else }}no{{ end }}', data)).toBe('no');
    expect(interpolate('a {{- .SecureJsonData.key -}} b', data)).toBe('akb');
    expect(interpolate('{{ orEmpty .JsonData.missing }}|{{ .JsonData.missing }}|{{ .Nothing.deeper }}', data)).toBe(
      '|<no value>|<no value>',
    );
    expect(() => interpolate('{{ if .JsonData.flag }}open', data)).toThrow(/missing \{\{end\}\}/);
    expect(() => interpolate('{{ .JsonData.port.x }}', data)).toThrow(/can't evaluate field/);
  });
});
