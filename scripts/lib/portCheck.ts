/**
 * Before `npm start` starts anything: are its ports free? A port taken by another StackLens
 * (its receiver answers /health with the receiver's shape) is said to be so, with how to stop it
 * or start this one beside it; a port taken by another program is named.
 */
import { createServer } from 'node:net';

export interface NamedPort {
  /** What uses it, e.g. `receiver (RECEIVER_PORT)`. */
  name: string;
  port: number;
}

/** Whether something already listens on host:port (binding fails with EADDRINUSE). */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(true);
      else reject(error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

/** Whether a StackLens receiver answers at this URL (its /health names its store and write queue). */
export async function isStackLensReceiver(receiverUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${receiverUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { store?: unknown; queue?: unknown };
    return typeof body === 'object' && body !== null && 'store' in body && 'queue' in body;
  } catch {
    return false;
  }
}

/**
 * undefined when every port is free; otherwise what to tell the person, plainly. `receiverUrl`:
 * where a StackLens already running on the receiver's port would answer.
 */
export async function busyPortsMessage(
  ports: ReadonlyArray<NamedPort>,
  receiverUrl: string,
  host = '127.0.0.1',
): Promise<string | undefined> {
  const busy: NamedPort[] = [];
  for (const port of ports) if (await portInUse(port.port, host)) busy.push(port);
  if (busy.length === 0) return undefined;
  const list = busy.map(({ name, port }) => `${port} (${name})`).join(', ');
  const beside =
    'To run a second one beside it, give it other ports and its own data folder, e.g. ' +
    'RECEIVER_PORT=4328 POS_PORT=3011 COLLECTOR_OTLP_HTTP_PORT=4329 COLLECTOR_OTLP_GRPC_PORT=4327 COLLECTOR_HEALTH_PORT=13143 STACKLENS_DATA_DIR=data-2 npm start';
  if (await isStackLensReceiver(receiverUrl)) {
    return `Another StackLens is already running here: its receiver answers at ${receiverUrl} and it holds port${busy.length === 1 ? '' : 's'} ${list}. Stop it first (Ctrl-C in its terminal), or use it as it is. ${beside}. Nothing was started.`;
  }
  return `Port${busy.length === 1 ? '' : 's'} ${list} ${busy.length === 1 ? 'is' : 'are'} in use by another program (not a StackLens receiver): stop it, or choose free ports. ${beside}. Nothing was started.`;
}
