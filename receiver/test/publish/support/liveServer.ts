import { LiveEventBus } from '@stacklens/processor';
import Fastify, { type FastifyInstance } from 'fastify';
import { authPlugin } from '../../../src/http/auth.ts';
import { liveFeedRoutes, type LiveFeedOptions, type LiveFeedStats } from '../../../src/publish/index.ts';

export const TOKENS = { viewer: 'viewer-token-0123456789', admin: 'admin-token-0123456789abc' } as const;

export interface LiveServer {
  app: FastifyInstance;
  bus: LiveEventBus;
  /** http://127.0.0.1:<port> */
  http: string;
  /** ws://127.0.0.1:<port> */
  ws: string;
  ticket(token?: string): Promise<string>;
  feedUrl(ticket: string, query?: string): string;
  stats(): Promise<LiveFeedStats>;
  close(): Promise<void>;
}

export interface LiveServerOptions extends Partial<Omit<LiveFeedOptions, 'bus' | 'tokens'>> {
  bus?: LiveEventBus;
  /** Register the app's auth plugin (default true); false lets the feed register its own. */
  appAuth?: boolean;
}

/** A real server on 127.0.0.1 with the auth plugin and the live feed under /api, fed by the processor's LiveEventBus. */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const { bus = new LiveEventBus(), appAuth = true, ...feedOptions } = options;
  const app = Fastify({ logger: false });
  if (appAuth) await app.register(authPlugin, { tokens: TOKENS });
  await app.register(liveFeedRoutes, { prefix: '/api', bus, tokens: TOKENS, ...feedOptions });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const http = `http://127.0.0.1:${port}`;
  const ws = `ws://127.0.0.1:${port}`;
  return {
    app,
    bus,
    http,
    ws,
    async ticket(token = TOKENS.viewer) {
      const response = await fetch(`${http}/api/live/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 200) throw new Error(`ticket: HTTP ${response.status} ${await response.text()}`);
      return ((await response.json()) as { ticket: string }).ticket;
    },
    feedUrl(ticket, query = '') {
      return `${ws}/api/live?ticket=${encodeURIComponent(ticket)}${query}`;
    },
    async stats() {
      const response = await fetch(`${http}/api/live/stats`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
      return (await response.json()) as LiveFeedStats;
    },
    close: () => app.close(),
  };
}
