import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Atlassian's Jira Cloud platform REST v3 OpenAPI document. */
export const JIRA_SPEC = resolve(ROOT, '../shared/specs/jira-platform-v3.json');

export interface PrismJira {
  url: string;
  /** Request violations prism reported (its log lines), for a test's failure message. */
  violations(): string[];
  close(): Promise<void>;
}

/**
 * Prism serving Atlassian's specification with request validation on (its default) and
 * answers generated from the response schemas (`-d`: the spec's examples are JSON text inside
 * strings, not objects). A request the contract refuses gets 4xx, as from Jira; a request
 * without basic auth gets 401.
 */
export async function startPrismJira(): Promise<PrismJira> {
  const port = await freePort();
  const child = spawn(join(ROOT, 'node_modules/.bin/prism'), ['mock', '-d', '-h', '127.0.0.1', '-p', String(port), JIRA_SPEC], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await waitUntilListening(child, lines);
  return {
    url: `http://127.0.0.1:${port}`,
    violations: () => lines.filter((line) => /violation|Request body|Request query|Invalid security/i.test(line)),
    close: () => stop(child),
  };
}

async function waitUntilListening(child: ChildProcess, lines: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!lines.some((line) => line.includes('Prism is listening'))) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}): ${lines.slice(-10).join('\n')}`);
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`prism did not start within 90 s: ${lines.slice(-10).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
