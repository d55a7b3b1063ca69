import type { FastifyRequest } from 'fastify';

/**
 * Who acted, for the audit trail. Grafana's plugin proxy adds `X-Grafana-Context`, the signed-in
 * user as JSON (json.Marshal of Grafana's SignedInUser: `Login`, `Name`, `IsAnonymous`, …), to
 * every call it forwards (pkg/api/pluginproxy/pluginproxy.go, `director`). The header is believed
 * only on requests with the editor token — the token only Grafana's app is given, which it adds
 * to incident actions on its server — so a caller holding another token cannot name someone else.
 * Go writes the header's UTF-8 bytes as they are; Node reads them one byte per character.
 */
export const GRAFANA_CONTEXT_HEADER = 'x-grafana-context';
const MAX_LOGIN = 190;

export function actorOf(request: FastifyRequest, fallback: string): string {
  if (request.role !== 'editor') return fallback;
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
        "Grafana's signed-in user (JSON), added by Grafana's plugin proxy; with the editor token its Login is recorded as the actor.",
    },
  },
} as const;
