import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from '../network.ts';

/** Prism's command line, resolved as a package (wherever npm placed it), run with this Node. */
const PRISM_CLI = createRequire(import.meta.url).resolve('@stoplight/prism-cli');
const START_TIMEOUT_MS = 90_000;

export interface PrismServer {
  /** Where the document's paths are served: a client's base URL. */
  url: string;
  /** Everything Prism printed so far (its validator reports each request). */
  log(): string;
  /** The request violations Prism reported, for a test's assertion or failure message. */
  violations(): string[];
  close(): Promise<void>;
}

/** `prism mock <flags> <spec>` as a child process on a free loopback port; resolves once it listens. */
export async function startPrism(spec: string, flags: string[]): Promise<PrismServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [PRISM_CLI, 'mock', ...flags, '-h', '127.0.0.1', '-p', String(port), spec], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await waitUntilListening(child, () => output);
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => output,
    violations: () => output.split('\n').filter((line) => /violation|Request body|Request query|Invalid security/i.test(line)),
    close: () => stop(child),
  };
}

async function waitUntilListening(child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output().includes('Prism is listening')) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}) before listening:\n${output().slice(-2_000)}`);
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`prism did not start within ${START_TIMEOUT_MS / 1000} s:\n${output().slice(-2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
