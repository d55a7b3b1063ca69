export const PLUGIN_ID = 'stacklens-stacklens-app';

/** Where the app's pages live in Grafana. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

export const PAGES = {
  live: 'live',
  incident: 'incident',
} as const;

/**
 * The plugin's proxy routes (plugin.json `routes`). Grafana matches each call's path below
 * PROXY_BASE against them with its route tree, the first route in file order whose method and
 * path match wins, then its reqRole is checked. Each route adds the receiver token of its least
 * role: the viewer token for reads, the editor token for incident actions, the admin token only
 * for the integrations and for merging incidents.
 */
export const ROUTES = {
  /** GET stats → /api/stats (Viewer). */
  stats: 'stats',
  /** GET incidents, incidents/<id> → /api/incidents… (Viewer); POST incidents/<id>/<action> (Editor). */
  incidents: 'incidents',
  /**
   * POST admin/incidents/<id>/merge and …/unmerge → /api/incidents/<id>/merge, /unmerge with the admin token: Admin.
   * A prefix of its own: Grafana's route tree captures only a trailing `*` into the proxy path (a `*` or `:id`
   * mid-path matches but the id is lost), and the Editor's `incidents/*` must not carry the admin token.
   */
  adminIncidents: 'admin/incidents',
  /** POST live/ticket → /api/live/ticket: a one-time ticket for the WebSocket feed (Viewer). */
  liveTicket: 'live/ticket',
  /** integrations/* → /api/integrations/* (the Jira settings and test): Admin. */
  integrations: 'integrations',
} as const;

export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}`;

/** The secrets the app keeps in Grafana's secureJsonData: one receiver token per role. */
export const TOKEN_KEYS = ['viewerToken', 'editorToken', 'adminToken'] as const;
export type TokenKey = (typeof TOKEN_KEYS)[number];
