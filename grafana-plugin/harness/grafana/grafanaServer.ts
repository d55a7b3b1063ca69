/**
 * The parts of a Grafana server the plugin's pages talk to, for the harness: signed-in users
 * (a session cookie per user, as Grafana's `grafana_session`), GET/POST
 * /api/plugins/<id>/settings (secrets write-only, shown as `secureJsonFields`; writing needs an
 * org Admin, as Grafana's `plugins:write`) and the plugin proxy (./pluginProxy.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { proxyPluginRequest, type PluginRoute, type PluginSettings, type ProxyConfig } from './pluginProxy.ts';
import { hasRole, type SignedInUser } from './signedInUser.ts';

export const SESSION_COOKIE = 'grafana_session';

export interface PluginJson {
  id: string;
  routes?: PluginRoute[];
}

export interface GrafanaServerOptions {
  plugin: PluginJson;
  settings: PluginSettings;
  users: readonly SignedInUser[];
  /** Who a browser without a session is signed in as (the harness has no login form). */
  defaultLogin: string;
  proxy?: ProxyConfig;
}

type Next = () => void;

export class GrafanaServer {
  readonly #options: GrafanaServerOptions;
  readonly #sessions = new Map<string, SignedInUser>();
  settings: PluginSettings;

  constructor(options: GrafanaServerOptions) {
    this.#options = options;
    this.settings = options.settings;
    for (const route of options.plugin.routes ?? []) {
      if (route.reqAction) throw new Error(`plugin.json route ${route.path}: reqAction (RBAC) is not emulated by the harness`);
    }
  }

  /** A session for this login: the cookie a browser sends as that user. */
  session(login: string): { name: string; value: string } {
    const user = this.#options.users.find((candidate) => candidate.Login === login);
    if (!user) throw new Error(`no harness user ${login}`);
    const value = randomBytes(16).toString('hex');
    this.#sessions.set(value, user);
    return { name: SESSION_COOKIE, value };
  }

  #userOf(request: IncomingMessage): SignedInUser | undefined {
    const cookies = request.headers.cookie?.split(';').map((part) => part.trim().split('=')) ?? [];
    const value = cookies.find(([name]) => name === SESSION_COOKIE)?.[1];
    return value === undefined ? undefined : this.#sessions.get(value);
  }

  /** Connect-style middleware. */
  async handle(request: IncomingMessage, response: ServerResponse, next: Next): Promise<void> {
    const path = (request.url ?? '/').split('?')[0]!;
    const user = this.#userOf(request);
    if (path === '/login') {
      const login = new URLSearchParams(request.url!.split('?')[1] ?? '').get('user') ?? this.#options.defaultLogin;
      const { name, value } = this.session(login);
      response.writeHead(302, { location: '/live', 'set-cookie': `${name}=${value}; Path=/; HttpOnly; SameSite=Lax` }).end();
      return;
    }
    if (!path.startsWith('/api/')) {
      if (!user && (path === '/' || /^\/(live|incident|config)\b/.test(path))) {
        const { name, value } = this.session(this.#options.defaultLogin);
        response.setHeader('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`);
      }
      return next();
    }
    if (!user) return json(response, 401, { message: 'Unauthorized' });
    const pluginSettingsPath = `/api/plugins/${this.#options.plugin.id}/settings`;
    if (path === '/api/user') return json(response, 200, userView(user));
    if (path === pluginSettingsPath && request.method === 'GET') return json(response, 200, this.#settingsView());
    if (path === pluginSettingsPath && request.method === 'POST') {
      if (!hasRole(user, 'Admin')) {
        return json(response, 403, {
          message: "You'll need additional permissions to perform this action. Permissions needed: plugins:write",
        });
      }
      const update = JSON.parse((await body(request)).toString('utf8') || '{}') as Partial<PluginSettings>;
      if (update.jsonData) this.settings.jsonData = update.jsonData;
      // Grafana keeps each secret it is not sent, and replaces the ones it is.
      if (update.secureJsonData) this.settings.secureJsonData = { ...this.settings.secureJsonData, ...update.secureJsonData };
      return json(response, 200, { message: 'Plugin settings updated' });
    }
    if (path.startsWith(`/api/plugin-proxy/${this.#options.plugin.id}/`) || path === `/api/plugin-proxy/${this.#options.plugin.id}`) {
      const answer = await proxyPluginRequest(
        {
          method: request.method ?? 'GET',
          url: request.url ?? '/',
          headers: request.headers,
          body: await body(request),
          remoteAddress: request.socket.remoteAddress,
        },
        this.#options.plugin.routes ?? [],
        this.settings,
        user,
        this.#options.proxy,
      );
      response.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    next();
  }

  #settingsView() {
    const secureJsonFields = Object.fromEntries(Object.keys(this.settings.secureJsonData).map((key) => [key, true]));
    return { id: this.#options.plugin.id, enabled: true, pinned: true, jsonData: this.settings.jsonData, secureJsonFields };
  }
}

/** GET /api/user, trimmed to what the harness shows, plus the org role Grafana's frontend has in bootData. */
function userView(user: SignedInUser) {
  return {
    id: user.UserID,
    login: user.Login,
    name: user.Name,
    email: user.Email,
    isGrafanaAdmin: user.IsGrafanaAdmin,
    orgId: user.OrgID,
    orgRole: user.OrgRole,
  };
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
