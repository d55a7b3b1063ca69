import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStackLensApi, type StackLensApi } from '../../src/api/StackLensApi.ts';
import type { Transport } from '../../src/api/Transport.ts';
import { proxyPluginRequest, type PluginSettings } from '../../harness/grafana/pluginProxy.ts';
import { signedInUser, type OrgRole } from '../../harness/grafana/signedInUser.ts';
import { loadPluginJson } from '../../harness/serve.ts';

/**
 * Every call the plugin's API client makes, replayed through the port of Grafana's plugin proxy
 * with the real src/plugin.json: each reaches the receiver path it means, for the least Grafana
 * role that may make it, carrying the least receiver token — and one role less is refused by the
 * proxy before anything reaches the receiver.
 */
const TOKENS = { viewerToken: 'viewer-token-0123456789', editorToken: 'editor-token-0123456789', adminToken: 'admin-token-0123456789' };
const TOKEN_ROLE: Record<string, string> = Object.fromEntries(Object.entries(TOKENS).map(([key, value]) => [`Bearer ${value}`, key]));

let receiver: Server;
let settings: PluginSettings;
const reached: Array<{ method: string; url: string; token: string; user: string }> = [];

beforeAll(async () => {
  receiver = createServer(async (request, response) => {
    for await (const _chunk of request);
    const context = JSON.parse(Buffer.from(String(request.headers['x-grafana-context']), 'latin1').toString('utf8')) as { Login: string };
    reached.push({
      method: request.method!,
      url: request.url!,
      token: TOKEN_ROLE[request.headers.authorization ?? ''] ?? 'none',
      user: context.Login,
    });
    const status = request.method === 'DELETE' ? 204 : 200;
    response.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? '' : '{"ok":true,"checks":[]}');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  settings = { jsonData: { receiverUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}` }, secureJsonData: TOKENS };
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));
beforeEach(() => {
  reached.length = 0;
});

const ROLES: OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

/** The API client over the ported proxy, signed in with this org role. */
function apiAs(role: OrgRole): StackLensApi {
  const user = signedInUser(10 + ROLES.indexOf(role), `as-${role.toLowerCase()}`, role);
  const { routes = [] } = loadPluginJson();
  const transport: Transport = {
    async send(request) {
      const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
      const headers = body ? { 'content-type': 'application/json' } : {};
      const answer = await proxyPluginRequest(
        { method: request.method, url: request.url, headers, body, remoteAddress: '127.0.0.1' },
        routes,
        settings,
        user,
      );
      const text = answer.body.toString('utf8');
      return { status: answer.status, data: text === '' ? null : (JSON.parse(text) as unknown) };
    },
  };
  return createStackLensApi(transport);
}

interface Call {
  run: (api: StackLensApi) => Promise<unknown>;
  role: OrgRole;
  method: string;
  url: string;
  token: keyof typeof TOKENS;
}

/** Every method of the client (the test fails when one is added without a line here). */
const CALLS: Record<keyof StackLensApi, Call> = {
  stats: { run: (api) => api.stats(), role: 'Viewer', method: 'GET', url: '/api/stats', token: 'viewerToken' },
  incidents: {
    run: (api) => api.incidents({ severity: 'HIGH', store: 'STORE (1)', text: 'ORD-7Q2K 999' }),
    role: 'Viewer',
    method: 'GET',
    url: '/api/incidents?limit=200&severity=HIGH&store=STORE+%281%29&text=ORD-7Q2K+999',
    token: 'viewerToken',
  },
  incident: {
    run: (api) => api.incident('fp-1', 30),
    role: 'Viewer',
    method: 'GET',
    url: '/api/incidents/fp-1?minutes=30',
    token: 'viewerToken',
  },
  liveTicket: { run: (api) => api.liveTicket(), role: 'Viewer', method: 'POST', url: '/api/live/ticket', token: 'viewerToken' },
  acknowledge: {
    run: (api) => api.acknowledge('fp-1'),
    role: 'Editor',
    method: 'POST',
    url: '/api/incidents/fp-1/ack',
    token: 'editorToken',
  },
  resolve: { run: (api) => api.resolve('fp-1'), role: 'Editor', method: 'POST', url: '/api/incidents/fp-1/resolve', token: 'editorToken' },
  createTicket: {
    run: (api) => api.createTicket('fp-1', 'n'),
    role: 'Editor',
    method: 'POST',
    url: '/api/incidents/fp-1/jira',
    token: 'editorToken',
  },
  merge: {
    run: (api) => api.merge('fp-1', 'fp-2'),
    role: 'Admin',
    method: 'POST',
    url: '/api/incidents/fp-1/merge',
    token: 'adminToken',
  },
  unmerge: {
    run: (api) => api.unmerge('fp-1'),
    role: 'Admin',
    method: 'POST',
    url: '/api/incidents/fp-1/unmerge',
    token: 'adminToken',
  },
  jiraSettings: { run: (api) => api.jiraSettings(), role: 'Admin', method: 'GET', url: '/api/integrations/jira', token: 'adminToken' },
  saveJiraSettings: {
    run: (api) => api.saveJiraSettings({ baseUrl: 'https://x.atlassian.net' } as never),
    role: 'Admin',
    method: 'PUT',
    url: '/api/integrations/jira',
    token: 'adminToken',
  },
  removeJiraSettings: {
    run: (api) => api.removeJiraSettings(),
    role: 'Admin',
    method: 'DELETE',
    url: '/api/integrations/jira',
    token: 'adminToken',
  },
  testJira: { run: (api) => api.testJira(), role: 'Admin', method: 'POST', url: '/api/integrations/jira/test', token: 'adminToken' },
  jiraStatus: { run: (api) => api.jiraStatus(), role: 'Admin', method: 'GET', url: '/api/integrations/jira/status', token: 'adminToken' },
  retryJira: { run: (api) => api.retryJira(), role: 'Admin', method: 'POST', url: '/api/integrations/jira/retry', token: 'adminToken' },
};

describe('every API call through Grafana’s plugin proxy (ported) and the plugin’s routes', () => {
  it('covers every method of the API client', () => {
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(apiAs('Admin')).sort());
  });

  it.each(Object.entries(CALLS))('%s reaches its receiver path with the least role and token', async (_name, call) => {
    await call.run(apiAs(call.role));
    expect(reached).toEqual([{ method: call.method, url: call.url, token: call.token, user: `as-${call.role.toLowerCase()}` }]);
  });

  it.each(Object.entries(CALLS))('%s is refused by the proxy for the role below', async (_name, call) => {
    const below = ROLES[ROLES.indexOf(call.role) - 1]!;
    await expect(call.run(apiAs(below))).rejects.toMatchObject({ status: 403, message: 'plugin proxy route access denied' });
    expect(reached).toEqual([]);
  });

  it('never sends the admin token on a route a Viewer or an Editor can use', () => {
    const { routes = [] } = loadPluginJson();
    for (const route of routes.filter((candidate) => candidate.reqRole !== 'Admin')) {
      expect(JSON.stringify(route.headers), route.path).not.toContain('adminToken');
    }
  });
});
