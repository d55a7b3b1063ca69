import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createReceiver } from '../../src/receiver.ts';
import { LogStore } from '../../src/store/LogStore.ts';
import { HttpTransport } from '../../src/store/transports/HttpTransport.ts';
import { closedPort } from '@stacklens/test-support/network';
import { protobufBody, sdkRecords } from '../support/otlpRequests.ts';

const sockets: Socket[] = [];
const servers: Server[] = [];

/** A peer that accepts connections and never answers: a hung ClickHouse. */
async function blackHole(): Promise<number> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function storeAt(port: number, requestTimeoutMs = 10_000): LogStore {
  return new LogStore(
    new HttpTransport({ url: `http://127.0.0.1:${port}`, username: 'default', password: '', requestTimeoutMs }),
    'stacklens',
  );
}

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const protobufHeaders = { 'content-type': 'application/x-protobuf' };

describe('when the store is down', () => {
  it('answers 503 with Retry-After, and /health says degraded', async () => {
    const store = storeAt(await closedPort());
    const receiver = await createReceiver(loadConfig({ RECEIVER_RETRY_AFTER_SECONDS: '7' }), { store });
    const response = await receiver.app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: protobufHeaders,
      payload: protobufBody(sdkRecords(1)),
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    const health = await receiver.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'degraded', queue: { failedBatches: 1 } });
    await receiver.close();
    await store.close();
  });
});

describe('when the store hangs and the queue fills', () => {
  it('sheds new requests with 429 and Retry-After instead of queueing without bound', async () => {
    const store = storeAt(await blackHole(), 3_000);
    const receiver = await createReceiver(loadConfig({ RECEIVER_MAX_QUEUED_ROWS: '5' }), { store });
    const send = (count: number) =>
      receiver.app.inject({ method: 'POST', url: '/v1/logs', headers: protobufHeaders, payload: protobufBody(sdkRecords(count)) });
    const first = send(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const shed = await send(1);
    expect(shed.statusCode).toBe(429);
    expect(shed.headers['retry-after']).toBe('1');
    // The hung insert times out: its request is told to retry, not acknowledged.
    expect((await first).statusCode).toBe(503);
    await receiver.close();
    await store.close();
  });
});

describe('with an ingest token', () => {
  it('refuses a missing or wrong token with 401 and accepts the right one', async () => {
    const store = storeAt(await closedPort());
    const receiver = await createReceiver(loadConfig({ STACKLENS_INGEST_TOKEN: 'ingest-secret-0123456789' }), { store });
    const request = (authorization?: string) =>
      receiver.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { ...protobufHeaders, ...(authorization ? { authorization } : {}) },
        payload: protobufBody(sdkRecords(1)),
      });
    expect((await request()).statusCode).toBe(401);
    expect((await request('Bearer wrong')).statusCode).toBe(401);
    // The right token gets past authentication to the (closed) store.
    expect((await request('Bearer ingest-secret-0123456789')).statusCode).toBe(503);
    await receiver.close();
    await store.close();
  });
});
