import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/store/transports/HttpTransport.ts';

/** A stand-in for ClickHouse's HTTP interface that records what an insert sends. */
let server: Server;
let url: string;
const received: Array<{ query: string; body: Buffer }> = [];

beforeAll(async () => {
  server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ query: new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '', body: Buffer.concat(chunks) });
    response.writeHead(200, { 'content-type': 'text/plain' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HttpTransport inserts', () => {
  it('sends text and byte payloads as the same bytes, with the columns and format', async () => {
    const transport = new HttpTransport({ url, username: 'default', password: '' });
    const text = '[1,"ü"]\n[2,"b"]\n';
    const bytes = Buffer.from(text, 'utf8');
    await transport.insertCompactJson('db.t', ['a', 'b'], text);
    await transport.insertCompactJson('db.t', ['a', 'b'], bytes);
    await transport.insertCompactJson('db.t', ['a', 'b'], new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    await transport.close();
    const inserts = received.filter((entry) => entry.query.startsWith('INSERT'));
    expect(inserts).toHaveLength(3);
    for (const insert of inserts) {
      expect(insert.query).toBe('INSERT INTO db.t (a, b) FORMAT JSONCompactEachRow');
      expect(insert.body.equals(bytes)).toBe(true);
    }
  });
});
