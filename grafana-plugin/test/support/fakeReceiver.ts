import type { Transport, TransportRequest, TransportResponse } from '../../src/api/Transport.ts';
import { PROXY_BASE } from '../../src/constants.ts';

type Handler = (request: TransportRequest) => TransportResponse | Promise<TransportResponse>;

/**
 * A stand-in for the plugin proxy and the receiver behind it, for component tests: answers by
 * method and path below the proxy base and records every request (body included) it saw.
 */
export class FakeReceiver implements Transport {
  readonly requests: TransportRequest[] = [];
  readonly #handlers = new Map<string, Handler>();

  on(method: TransportRequest['method'], path: string, handler: Handler | unknown): this {
    this.#handlers.set(`${method} ${path}`, typeof handler === 'function' ? (handler as Handler) : () => ({ status: 200, data: handler }));
    return this;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    const path = request.url.slice(PROXY_BASE.length).split('?')[0]!;
    const handler = this.#handlers.get(`${request.method} ${path}`);
    if (!handler) return { status: 404, data: { statusCode: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } };
    return handler(request);
  }

  sent(method: TransportRequest['method'], path: string): TransportRequest[] {
    return this.requests.filter((request) => request.method === method && request.url.slice(PROXY_BASE.length).split('?')[0] === path);
  }
}
