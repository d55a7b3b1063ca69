import type { FastifyInstance } from 'fastify';
import { openFeed, type FeedClient } from './feedClient.ts';

/**
 * Puts a whole receiver's app on a loopback port (unless it listens already) and opens its live
 * feed as a browser would: a one-time ticket with the viewer token, then the WebSocket.
 */
export async function openReceiverFeed(app: FastifyInstance, viewerToken: string): Promise<FeedClient> {
  const address = app.server.address();
  const base =
    address !== null && typeof address === 'object' ? `http://127.0.0.1:${address.port}` : await app.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${base}/api/live/ticket`, { method: 'POST', headers: { authorization: `Bearer ${viewerToken}` } });
  if (response.status !== 200) throw new Error(`live ticket: HTTP ${response.status} ${await response.text()}`);
  const { ticket } = (await response.json()) as { ticket: string };
  return openFeed(`${base.replace(/^http/, 'ws')}/api/live?ticket=${encodeURIComponent(ticket)}`);
}
