/**
 * Grafana's app-plugin proxy, `/api/plugin-proxy/<plugin id>/…`, ported for the harness from
 * Grafana's source (grafana/grafana, Grafana 12–13 line; read at the commits named beside each part):
 *
 * - pkg/api/plugin_proxy.go `ProxyPluginRequest`, `extractProxyPath`: the proxy path is the
 *   escaped request path after the plugin id; the plugin's settings must exist (500 otherwise).
 * - pkg/api/pluginproxy/pluginproxy.go `HandleRequest` (the version with
 *   `FlagPluginProxyPreserveTrailingSlash`): for each route in plugin.json order, skip it unless its
 *   method is empty, `*` or the request's; match the path with a route tree of the route's path
 *   alone (./routeTree.ts); the first match wins; then `hasAccessToRoute` (reqRole via
 *   `HasRole`; an invalid reqRole checks nothing) or 403 "plugin proxy route access denied"; the
 *   `*` capture becomes the proxy path, no capture an empty one; no match is 404 "plugin route
 *   match not found".
 * - `director`: route URL templated (./goTemplate.ts) and parsed, path = JoinURLFragments(url
 *   path, proxy path), the request's query kept (the route URL's own query is dropped); Cookie
 *   and Set-Cookie removed; `X-Grafana-Context` = json.Marshal(SignedInUser);
 *   `X-Grafana-User` only with `send_user_header`; the route's headers templated and Set;
 *   `body` templated when the route has one.
 * - pkg/util/proxyutil (reverse_proxy.go `wrapDirector`, proxyutil.go `PrepareProxyRequest`,
 *   commit ec129a1/9e14466): Grafana's own auth headers removed first; afterwards
 *   `X-Grafana-Referer` from Referer, Origin/Referer/X-Forwarded-Host/-Port/-Proto removed,
 *   X-Forwarded-For set to the client address (and Go's ReverseProxy appends it once more);
 *   responses lose Set-Cookie and get `Content-Security-Policy: sandbox`; an unreachable
 *   target is 502 with an empty body, a timeout 504.
 *
 * Not ported (the plugin uses none of them): `reqAction` (RBAC actions — a route with one is
 * refused at load), `urlParams`, `tokenAuth`/`jwtTokenAuth`, the ID-token header
 * (`X-Grafana-Id`, behind a feature flag), data-proxy logging and tracing.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { interpolate, type TemplateData } from './goTemplate.ts';
import { pathUnescape, RouteTree } from './routeTree.ts';
import { hasRole, isValidRole, marshalUser, type SignedInUser } from './signedInUser.ts';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  reqAction?: string;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
  body?: unknown;
}

export interface PluginSettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ProxyConfig {
  /** grafana.ini [dataproxy] send_user_header. */
  sendUserHeader?: boolean;
  /** The pluginProxyPreserveTrailingSlash feature flag. */
  preserveTrailingSlash?: boolean;
  /** Upstream timeout (Grafana's [dataproxy] timeout, 30 s by default) before a 504. */
  timeoutMs?: number;
}

export interface ProxyRequest {
  method: string;
  /** The request target as received: escaped path and query, e.g. /api/plugin-proxy/app/incidents/a%2Fb?x=1 */
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  remoteAddress?: string;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export type RouteDecision =
  { kind: 'not-found' } | { kind: 'denied'; route: PluginRoute } | { kind: 'matched'; route: PluginRoute; proxyPath: string };

/** extractProxyPath: the escaped path after /api/plugin-proxy/<id>, without its slash. */
export function extractProxyPath(escapedPath: string): string {
  return escapedPath.replace(/^\/api\/plugin-proxy\/[\w-]+\/?/, '');
}

/** HandleRequest's route loop. */
export function matchRoute(
  routes: readonly PluginRoute[],
  method: string,
  proxyPath: string,
  user: SignedInUser,
  config: ProxyConfig = {},
): RouteDecision {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    const tree = new RouteTree();
    tree.add(route.path);
    const { matched, params } = tree.match(proxyPath);
    if (!matched) continue;
    if (!hasAccessToRoute(route, user)) return { kind: 'denied', route };
    let path = '';
    if (Object.hasOwn(params, '*')) {
      path = params['*']!;
      if (config.preserveTrailingSlash && proxyPath.endsWith('/') && !path.endsWith('/')) path += '/';
    }
    return { kind: 'matched', route, proxyPath: path };
  }
  return { kind: 'not-found' };
}

function hasAccessToRoute(route: PluginRoute, user: SignedInUser): boolean {
  if (route.reqAction) throw new Error(`route ${route.path}: reqAction (RBAC) is not emulated by the harness`);
  return isValidRole(route.reqRole) ? hasRole(user, route.reqRole) : true;
}

/** util.JoinURLFragments. */
export function joinURLFragments(a: string, b: string): string {
  if (b.length === 0) return a;
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

/** url.URL.EscapedPath for a Path without a matching RawPath: Go's shouldEscape(c, encodePath). */
export function escapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(char)) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface OutgoingRequest {
  method: string;
  /** scheme://host of the route's URL. */
  origin: string;
  /** The escaped path and query, sent as they are (no dot-segment resolution, as in Go). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const HOP_BY_HOP = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** The director (plus wrapDirector and Go's ReverseProxy header handling): what Grafana sends upstream. */
export function direct(
  request: ProxyRequest,
  route: PluginRoute,
  proxyPath: string,
  user: SignedInUser,
  settings: PluginSettings,
  config: ProxyConfig = {},
): OutgoingRequest {
  const data: TemplateData = { JsonData: settings.jsonData, SecureJsonData: settings.secureJsonData };
  // Go's url.Parse keeps the path as written; WHATWG's URL only serves for scheme and host here.
  const interpolated = interpolate(route.url ?? '', data);
  const target = new URL(interpolated);
  const targetPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(interpolated)?.[1] ?? '';
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const path = `${escapePath(joinURLFragments(pathUnescape(targetPath) ?? targetPath, proxyPath)) || '/'}${query}`;

  const headers: Record<string, string> = {};
  const connectionListed = String(request.headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.includes(name) || connectionListed.includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // wrapDirector: the headers Grafana authenticated the user with do not travel on.
  delete headers.authorization;
  delete headers['x-grafana-device-id'];
  delete headers.cookie;
  delete headers['set-cookie'];
  headers.host = target.host;
  headers['x-grafana-context'] = latin1(marshalUser(user));
  delete headers['x-grafana-user'];
  if (config.sendUserHeader && !user.IsAnonymous && user.UserID > 0) headers['x-grafana-user'] = latin1(user.Login);
  for (const header of route.headers ?? []) headers[header.name.toLowerCase()] = latin1(interpolate(header.content, data));
  let body = request.body;
  if (route.body !== undefined && route.body !== null) {
    body = Buffer.from(interpolate(typeof route.body === 'string' ? route.body : JSON.stringify(route.body), data), 'utf8');
  }
  // PrepareProxyRequest.
  headers['x-grafana-referer'] = headers.referer ?? '';
  for (const name of ['origin', 'referer', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto']) delete headers[name];
  if (request.remoteAddress) {
    const prior = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${prior}, ${request.remoteAddress}` : request.remoteAddress;
    // httputil.ReverseProxy then appends the client address to what the director left.
    headers['x-forwarded-for'] = `${headers['x-forwarded-for']}, ${request.remoteAddress}`;
  }
  if (body) headers['content-length'] = String(body.length);
  return {
    method: request.method,
    origin: `${target.protocol}//${target.host}`,
    path,
    headers,
    body: body && body.length > 0 ? body : undefined,
  };
}

/** Header values travel as bytes: Go writes a string's UTF-8 as it is, Node's http wants one char per byte. */
function latin1(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

function jsonError(status: number, message: string): ProxyResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify({ message }), 'utf8') };
}

/** ProxyPluginRequest → HandleRequest → ReverseProxy.ServeHTTP, for a signed-in user. */
export async function proxyPluginRequest(
  request: ProxyRequest,
  routes: readonly PluginRoute[],
  settings: PluginSettings | undefined,
  user: SignedInUser,
  config: ProxyConfig = {},
): Promise<ProxyResponse> {
  if (!settings) return jsonError(500, 'Failed to fetch plugin settings');
  const escapedPath = request.url.split('?')[0]!;
  const decision = matchRoute(routes, request.method, extractProxyPath(escapedPath), user, config);
  if (decision.kind === 'not-found') return jsonError(404, 'plugin route match not found');
  if (decision.kind === 'denied') return jsonError(403, 'plugin proxy route access denied');
  let outgoing: OutgoingRequest;
  try {
    outgoing = direct(request, decision.route, decision.proxyPath, user, settings, config);
  } catch (error) {
    return jsonError(500, `Could not interpolate plugin route url: ${(error as Error).message}`);
  }
  return forward(outgoing, config.timeoutMs ?? 30_000);
}

function forward(outgoing: OutgoingRequest, timeoutMs: number): Promise<ProxyResponse> {
  const target = new URL(outgoing.origin);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const options = { hostname: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || undefined, path: outgoing.path };
  return new Promise((resolve) => {
    const upstream = send({ ...options, method: outgoing.method, headers: outgoing.headers, timeout: timeoutMs }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || HOP_BY_HOP.includes(name) || name === 'set-cookie') continue;
          headers[name] = value;
        }
        // SetProxyResponseHeaders.
        headers['content-security-policy'] = 'sandbox';
        resolve({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
      });
      answer.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }));
    });
    upstream.on('timeout', () => {
      upstream.destroy();
      resolve({ status: 504, headers: {}, body: Buffer.alloc(0) });
    });
    upstream.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }));
    upstream.end(outgoing.body);
  });
}
