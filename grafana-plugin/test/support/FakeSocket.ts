import type { LiveSocket } from '../../src/live/LiveFeedClient.ts';

/** A WebSocket the test drives: it records the URL it was opened with and delivers what the test sends. */
export class FakeSocket implements LiveSocket {
  static opened: FakeSocket[] = [];
  onopen: LiveSocket['onopen'] = null;
  onmessage: LiveSocket['onmessage'] = null;
  onclose: LiveSocket['onclose'] = null;
  onerror: LiveSocket['onerror'] = null;
  closedWith: { code?: number; reason?: string } | undefined;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
    FakeSocket.opened.push(this);
  }

  static factory = (url: string): LiveSocket => new FakeSocket(url);

  static get last(): FakeSocket {
    const socket = FakeSocket.opened.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  hello(heartbeatMs = 15_000): void {
    this.deliver({ type: 'hello', serverTime: new Date().toISOString(), heartbeatMs, backfill: 50, maxBufferedBytes: 1 << 20 });
  }

  /** The server going away. */
  drop(code = 1006, reason = ''): void {
    this.onclose?.({ code, reason });
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
}
