import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraDouble, type JiraDouble } from '@stacklens/test-support/jira';
import { adminToken, integrationLines } from '../lib/integrationBanner.ts';
import { busyPortsMessage, isStackLensReceiver } from '../lib/portCheck.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN = 'admin-token-for-the-start-tests';

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let jira: JiraDouble;

/** `npm start` as a person runs it (the script itself, --direct: no Collector binary needed). */
function start(): Run {
  const child = spawn(process.execPath, ['scripts/start.ts', '--direct'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

async function until(run: Run, pattern: RegExp, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`npm start exited (${run.child.exitCode}) before ${pattern}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function stop(run: Run): Promise<number | null> {
  if (run.child.exitCode === null) run.child.kill('SIGINT');
  return run.exited;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stacklens-start-'));
  jira = await startJiraDouble();
  const ports = { receiver: await freePort(), pos: await freePort() };
  env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(JIRA_|OPENAI_|STACKLENS_AI_)/.test(name)));
  Object.assign(env, {
    RECEIVER_PORT: String(ports.receiver),
    POS_PORT: String(ports.pos),
    STACKLENS_DATA_DIR: dataDir,
    STACKLENS_ADMIN_TOKEN: ADMIN,
    STACKLENS_VIEWER_TOKEN: 'viewer-token-for-the-start-tests',
    TRAFFIC_FAILURE_SHARE: '0',
  });
});

afterAll(async () => {
  await jira?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('says Jira as the receiver sees it: configured through the API, after a restart too', async () => {
    const first = start();
    try {
      await until(first, /StackLens is running/);
      expect(first.output()).toMatch(/Jira +not configured: the plugin's configuration page/);
      expect(first.output()).toMatch(/AI analysis +offline analyser/);
      const saved = await fetch(`http://127.0.0.1:${env.RECEIVER_PORT}/api/integrations/jira`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          baseUrl: jira.url,
          email: 'bot@example.com',
          apiToken: 'any-token',
          projectKey: 'POS',
          issueType: 'Bug',
          enabled: true,
          autoCreate: false,
        }),
      });
      expect(saved.status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }

    const second = start();
    try {
      await until(second, /StackLens is running/);
      expect(second.output()).toContain(
        `Jira                ${jira.url}, project POS (Bug), saved through the API; tickets on request only (autoCreate off)`,
      );

      // A second start while this one runs: it says so plainly and starts nothing.
      const third = start();
      expect(await third.exited).toBe(1);
      expect(third.output()).toContain(
        `Another StackLens is already running here: its receiver answers at http://127.0.0.1:${env.RECEIVER_PORT}`,
      );
      expect(third.output()).toContain('Nothing was started.');
      expect(third.output()).not.toContain('StackLens is running');
      // The first one is untouched.
      expect((await fetch(`http://127.0.0.1:${env.RECEIVER_PORT}/health`)).status).toBe(200);

      // The same checks, asked directly: the receiver's view, and a wrong token or none said as unknown.
      const receiverUrl = `http://127.0.0.1:${env.RECEIVER_PORT}`;
      await expect(integrationLines(receiverUrl, ADMIN)).resolves.toEqual({
        jira: `${jira.url}, project POS (Bug), saved through the API; tickets on request only (autoCreate off)`,
        ai: 'offline analyser (knowledge base and similar incidents); a model: PUT /api/integrations/ai or OPENAI_API_KEY',
      });
      expect((await integrationLines(receiverUrl, 'not-the-admin-token')).jira).toBe('unknown: GET /api/integrations/jira answered 401');
      expect((await integrationLines(receiverUrl, undefined)).ai).toMatch(/^unknown: no admin token/);
      expect(adminToken({}, dataDir)).toBeUndefined(); // the tokens came from the environment: no file
      await expect(isStackLensReceiver(receiverUrl)).resolves.toBe(true);
      expect(await busyPortsMessage([{ name: 'receiver', port: Number(env.RECEIVER_PORT) }], receiverUrl)).toMatch(
        /^Another StackLens is already running here: .* holds port \d+ \(receiver\)\. Stop it first/,
      );
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('names a port another program holds, and starts nothing', async () => {
    // Another program: it takes connections and hangs up on them.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => squatter.listen(Number(env.POS_PORT), '127.0.0.1', done));
    try {
      const run = start();
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${env.POS_PORT} (demo POS, POS_PORT) is in use by another program (not a StackLens receiver)`);
      expect(run.output()).not.toContain('Starting StackLens');
      await expect(isStackLensReceiver(`http://127.0.0.1:${env.POS_PORT}`)).resolves.toBe(false);
      await expect(busyPortsMessage([{ name: 'free', port: await freePort() }], 'http://127.0.0.1:1')).resolves.toBeUndefined();
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });
});
