import type { LiveEvent } from '@stacklens/processor';
import type { LiveServerMessage } from '../../../src/publish/index.ts';
import { MessageQueue } from './MessageQueue.ts';

export type FeedMessage = LiveServerMessage | LiveEvent;

/** A browser-like client: Node's global WebSocket (undici), which answers pings on its own. */
export interface FeedClient {
  socket: WebSocket;
  messages: MessageQueue<FeedMessage>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Skips to the next message of that type. */
  next<T extends FeedMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<FeedMessage, { type: T }>>;
  close(): Promise<void>;
}

export function openFeed(url: string): Promise<FeedClient> {
  const socket = new WebSocket(url);
  const messages = new MessageQueue<FeedMessage>();
  socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data)) as FeedMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  return new Promise((resolve, reject) => {
    socket.addEventListener('error', () => reject(new Error(`WebSocket to ${url} failed`)));
    socket.addEventListener('open', () =>
      resolve({
        socket,
        messages,
        closed,
        send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
        next: async <T extends FeedMessage['type']>(type: T, timeoutMs?: number) =>
          (await messages.until((message) => message.type === type, timeoutMs)) as Extract<FeedMessage, { type: T }>,
        close: async () => {
          socket.close();
          await closed;
        },
      }),
    );
  });
}
