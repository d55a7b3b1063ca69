import type { Transport, TransportRequest, TransportResponse } from './Transport.ts';

/** A transport over the browser's fetch (the harness and tests; Grafana's proxy paths all the same). */
export function fetchTransport(origin = '', fetchImpl: typeof fetch = (...args) => fetch(...args)): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const init: RequestInit = { method: request.method, headers: { accept: 'application/json' } };
      if (request.body !== undefined) {
        init.body = JSON.stringify(request.body);
        init.headers = { ...init.headers, 'content-type': 'application/json' };
      }
      let response: Response;
      try {
        response = await fetchImpl(`${origin}${request.url}`, init);
      } catch (error) {
        return {
          status: 0,
          data: { message: `the receiver could not be reached: ${error instanceof Error ? error.message : String(error)}` },
        };
      }
      const text = await response.text();
      let data: unknown = text;
      try {
        data = text === '' ? null : JSON.parse(text);
      } catch {
        // A proxy's HTML or plain-text error page: keep the text for the message.
        data = { message: text.slice(0, 300) };
      }
      return { status: response.status, data };
    },
  };
}
