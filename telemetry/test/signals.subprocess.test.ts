import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, startCaptureServer } from './support/captureServer.ts';
import type { CaptureServer } from './support/captureServer.ts';
import { exportedRecords } from './support/otlpLogs.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/app.ts', import.meta.url));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

let server: CaptureServer;
let child: ChildProcess | undefined;

beforeEach(async () => {
  server = await startCaptureServer();
});

afterEach(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server.close();
});

/** Starts the fixture app with a clean OTEL_* environment and resolves once it says `line`. */
async function startApp(env: Record<string, string>, line = 'ready'): Promise<{ exited: Promise<Exit> }> {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const app = spawn(process.execPath, [FIXTURE], {
    env: { ...cleanEnv, CAPTURE_URL: server.baseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = app;
  let stdout = '';
  let stderr = '';
  app.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(app, 'exit').then(([code, signal]) => ({ code, signal, stderr }) as Exit);
  await new Promise<void>((resolve, reject) => {
    app.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(`${line}\n`)) resolve();
    });
    void exited.then((exit) => reject(new Error(`fixture exited before '${line}': ${JSON.stringify(exit)}`)));
  });
  return { exited };
}

describe('a real process ending', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('flushes the pending record on %s, then dies of that signal', async (signal) => {
    const { exited } = await startApp({});
    expect(server.requests).toHaveLength(0);
    child?.kill(signal);
    const exit = await exited;
    // Killed by the signal itself (status 128+n in a shell), as without the library.
    expect(exit).toMatchObject({ code: null, signal });
    expect(exportedRecords(server.requests)).toMatchObject([
      {
        body: 'pending when the signal came',
        severityText: 'ERROR',
        attributes: { 'order.id': 'ORD-SIG' },
        resource: { 'service.name': 'fixture-app' },
      },
    ]);
  });

  it('leaves the exit to a host SIGTERM handler, which exits with its own code after the flush', async () => {
    const { exited } = await startApp({ FIXTURE_MODE: 'host-handler' });
    child?.kill('SIGTERM');
    const exit = await exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exportedRecords(server.requests).map((r) => r.body)).toEqual(['pending when the signal came']);
  });

  it('does not keep the process alive once shut down', async () => {
    const { exited } = await startApp({ FIXTURE_MODE: 'shutdown-and-return' }, 'done');
    // No interval, no listeners left: the event loop empties and the process ends by itself.
    expect(await exited).toMatchObject({ code: 0, signal: null });
    expect(server.requests).toHaveLength(1);
  });

  it('flushes a script that ends without calling shutdown, when its event loop empties', async () => {
    const { exited } = await startApp({ FIXTURE_MODE: 'just-return' }, 'done');
    expect(await exited).toMatchObject({ code: 0, signal: null });
    expect(exportedRecords(server.requests).map((r) => r.body)).toEqual(['pending when the signal came']);
  });
});

it('with the receiver down, the app carries on and OTEL_LOG_LEVEL shows why records were lost', async () => {
  const { exited } = await startApp(
    { FIXTURE_MODE: 'shutdown-and-return', CAPTURE_URL: await closedPortUrl(), OTEL_LOG_LEVEL: 'error' },
    'done',
  );
  const exit = await exited;
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.stderr).toContain('ECONNREFUSED');
});
