import type { FastifyRequest } from 'fastify';

/**
 * Who acted, for the audit trail. Grafana's plugin proxy adds `X-Grafana-Context`, the signed-in
 * user as JSON (json.Marshal of Grafana's SignedInUser: `Login`, `Name`, `IsAnonymous`, …), to
 * every call it forwards (pkg/api/pluginproxy/pluginproxy.go, `director`), from the user signed in,
 * whatever the browser sent. The header is believed only on requests with the editor or the admin
 * token: Grafana's app is given both and adds them on its server (plugin.json's routes: the editor
 * token to incident actions, the admin token to merges and the integration settings), so on those
 * requests the header is Grafana's. A viewer-token caller cannot name anyone. The admin token is
 * also the operator's own (scripts, `npm start`); whoever holds it may change everything anyway,
 * and an audit entry it names a Grafana user for is still one that token made.
 * Go writes the header's UTF-8 bytes as they are; Node reads them one byte per character.
 */
export const GRAFANA_CONTEXT_HEADER = 'x-grafana-context';
const MAX_LOGIN = 190;

/** The roles whose tokens only Grafana's app and the operator hold. */
const TRUSTED_ROLES: ReadonlySet<string | undefined> = new Set(['editor', 'admin']);

export function actorOf(request: FastifyRequest, fallback: string): string {
  if (!TRUSTED_ROLES.has(request.role)) return fallback;
  const header = request.headers[GRAFANA_CONTEXT_HEADER];
  if (typeof header !== 'string' || header === '') return fallback;
  let user: { Login?: unknown; IsAnonymous?: unknown };
  try {
    user = JSON.parse(Buffer.from(header, 'latin1').toString('utf8')) as typeof user;
  } catch {
    return fallback;
  }
  const login = typeof user.Login === 'string' ? user.Login.trim() : '';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (user.IsAnonymous === true || login === '' || login.length > MAX_LOGIN || /[\u0000-\u001f\u007f]/.test(login)) return fallback;
  return `grafana:${login}`;
}

/** The header as route schemas declare it (headers are validated like the rest of the request). */
export const grafanaContextHeaderSchema = {
  type: 'object',
  properties: {
    [GRAFANA_CONTEXT_HEADER]: {
      type: 'string',
      // Far below Node's 16 KiB of headers, so a longer value is this schema's 400, not the parser's 431.
      maxLength: 8192,
      description:
        "Grafana's signed-in user (JSON), added by Grafana's plugin proxy; on a request with the editor or admin token (the tokens Grafana's app adds) its Login is recorded as the actor (`grafana:<login>`); with the viewer token it is ignored.",
    },
  },
} as const;
