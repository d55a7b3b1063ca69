import { createServer } from 'node:net';

/** A loopback port nothing listens on, found by binding and releasing it: for a server or a child process to take. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback port where a connection is refused (nothing listens): for failure paths. */
export const closedPort: () => Promise<number> = freePort;
