import { closedPort } from '@stacklens/test-support/network';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One POST as the server saw it; `body` is already gunzipped when the client compressed it. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A real OTLP/HTTP peer on 127.0.0.1 that records what the exporters send. */
export interface CaptureServer {
  /** Base URL, without `/v1/logs`. */
  baseUrl: string;
  requests: CapturedRequest[];
  waitForRequests(count: number, timeoutMillis?: number): Promise<CapturedRequest[]>;
  close(): Promise<void>;
}

/** What the server answers; the default is an OTLP success in the request's own format. */
export type Responder = (request: CapturedRequest) => { status: number; body?: string } | 'hang';

const succeed: Responder = () => ({ status: 200 });

export async function startCaptureServer(respond: Responder = succeed): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const captured = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(captured);
      for (const wake of waiters) wake();
      const answer = respond(captured);
      if (answer === 'hang') return;
      // An empty body is a valid (full success) response in both JSON and protobuf.
      res.writeHead(answer.status, { 'content-type': req.headers['content-type'] ?? 'application/json' });
      res.end(answer.body ?? (req.headers['content-type'] === 'application/json' ? '{}' : ''));
    });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    waitForRequests: (count, timeoutMillis = 5_000) => waitFor(requests, waiters, count, timeoutMillis),
    close: () => close(server),
  };
}

/** A URL on which nothing listens (a refused connection). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: Server): Promise<void> {
  // Exporters keep connections alive; without this close() would wait for them.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function waitFor(requests: CapturedRequest[], waiters: Set<() => void>, count: number, timeoutMillis: number): Promise<CapturedRequest[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (requests.length < count) return;
      finish();
      resolve(requests.slice(0, count));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`expected ${count} request(s) within ${timeoutMillis} ms, got ${requests.length}`));
    }, timeoutMillis);
    const finish = (): void => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
}
