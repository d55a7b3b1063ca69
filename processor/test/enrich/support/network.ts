import { createServer } from 'node:net';

/** A port with nothing listening on it, found by binding and releasing it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A base URL where nothing listens (a refused connection). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/v1`;
}
