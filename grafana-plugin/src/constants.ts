export const PLUGIN_ID = 'stacklens-stacklens-app';

/** Where the app's pages live in Grafana. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

export const PAGES = {
  live: 'live',
  incident: 'incident',
} as const;

/**
 * The proxy routes of plugin.json, each with the least Grafana role that may use it. They all
 * reach the receiver's /api with the admin token added by the Grafana server.
 */
export const ROUTES = {
  /** GET /api/… for every signed-in user. */
  read: 'api',
  /** POST /api/live/ticket: a one-time ticket for the WebSocket feed (viewers too). */
  liveTicket: 'live-ticket',
  /** POST /api/incidents/… (acknowledge, resolve, Jira ticket): editors. */
  actions: 'incident-actions',
  /** /api/integrations/… (the Jira settings and test): admins. */
  admin: 'admin',
} as const;

export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}`;
