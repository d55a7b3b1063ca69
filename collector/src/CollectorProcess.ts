import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BINARY_PATH, CONFIG_PATH } from './paths.ts';

export interface CollectorProcessOptions {
  binaryPath?: string;
  configPath?: string;
  /** The variables the configuration reads (COLLECTOR_*, STACKLENS_RECEIVER_URL, POS_LOG_FILE, …), over process.env. */
  env?: Record<string, string>;
  /** Further configuration files, merged over the main one in order (the Collector's own --config merging). */
  overrides?: string[];
  /** Every line the Collector logs (it logs to stderr). */
  onLine?: (line: string) => void;
  /** In a process group of its own, so a terminal's Ctrl-C reaches only the parent, which stops it in turn. */
  detached?: boolean;
  /** How long to wait for the health_check extension to answer 200. */
  startTimeoutMs?: number;
}

export interface CollectorProcess {
  child: ChildProcess;
  /** The health_check endpoint polled at start. */
  healthUrl: string;
  /** SIGTERM: the Collector drains what it can and keeps the rest in its persistent queue. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all, as a crash or an OOM kill would leave it. */
  kill(): Promise<void>;
}

/**
 * Go's GC target for the Collector unless GOGC is set: the persistent queue decodes every record
 * it sends (many small objects), and at Go's default of 100 collecting them took about a third
 * of the Collector's CPU; 400 lets the heap grow to five times what is live between collections
 * (docs/benchmarks.md, "Collector in the path"). memory_limiter still forces a collection near
 * its limit. docker-compose.yml sets the same for the contrib image.
 */
export const COLLECTOR_GOGC = '400';

/** Starts the Collector binary with the StackLens configuration; resolves once its health check answers. */
export async function startCollector(options: CollectorProcessOptions = {}): Promise<CollectorProcess> {
  const env: NodeJS.ProcessEnv = { GOGC: COLLECTOR_GOGC, ...process.env, ...options.env };
  const healthUrl = `http://${env.COLLECTOR_HOST || '127.0.0.1'}:${env.COLLECTOR_HEALTH_PORT || '13133'}/`;
  const args = [options.configPath ?? CONFIG_PATH, ...(options.overrides ?? [])].flatMap((file) => ['--config', file]);
  const child = spawn(options.binaryPath ?? BINARY_PATH, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      options.onLine?.(line);
    });
  }
  // A binary that cannot be run at all fails here, not with an unhandled 'error' event.
  const spawnFailure = new Promise<never>((_resolve, reject) =>
    child.once('error', (error) =>
      reject(new Error(`the Collector could not be started (${options.binaryPath ?? BINARY_PATH}): ${error.message}`)),
    ),
  );
  spawnFailure.catch(() => undefined);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  try {
    await Promise.race([waitForHealth(child, healthUrl, options.startTimeoutMs ?? 30_000, recent), spawnFailure]);
  } catch (error) {
    await stopWith('SIGKILL');
    throw error;
  }
  return { child, healthUrl, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
}

async function waitForHealth(child: ChildProcess, url: string, timeoutMs: number, recent: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const failure = (why: string) => new Error(`the Collector ${why}; its last lines:\n${recent.join('\n')}`);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw failure(`exited (${child.signalCode ?? child.exitCode}) before it was healthy`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw failure(`did not answer at ${url} within ${timeoutMs / 1000} s`);
}
