import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/migrations.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import { SecretBox } from '../../src/settings/SecretBox.ts';
import { LogStore } from '../../src/store/LogStore.ts';
import { HttpTransport } from '../../src/store/transports/HttpTransport.ts';
import { closedPort } from '@stacklens/test-support/network';

/*
 * Finding 5: rewriting only the stored baseUrl sent the Jira token to another host. Finding 6:
 * admin-set URLs could point at loopback, link-local and private addresses, redirects were
 * followed, and the peer's error body came back unredacted. Findings 7, 8, 12, 13, 15: dates out
 * of range, a bad e-mail, file modes, truncated tags and weak keys, what unauthenticated callers see.
 */
const TOKENS = { viewer: 'viewer-token-hardening-0123456', admin: 'admin-token-hardening-9876543' };
const JIRA_TOKEN = 'ATATT3x-jira-token-of-the-hardening-test';
const SECRET_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 97 + 13) % 256)).toString('base64');
const root = mkdtempSync(join(tmpdir(), 'stacklens-hardening-'));
const dataDir = join(root, 'data');
const logLines: string[] = [];
let store: Awaited<ReturnType<typeof openStore>>;

interface Site {
  server: Server;
  url: string;
  requests: Array<{ url: string; authorization?: string }>;
}

/** A stand-in for a Jira site: records what reaches it, answers with `answer`. */
async function site(
  answer: (request: IncomingMessage) => { status: number; body: string; headers?: Record<string, string> },
): Promise<Site> {
  const requests: Site['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', authorization: request.headers.authorization });
    const { status, body, headers } = answer(request);
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function receiverWith(env: Record<string, string>): Promise<Receiver> {
  const stream = new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) });
  return createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: dataDir,
      STACKLENS_VIEWER_TOKEN: TOKENS.viewer,
      STACKLENS_ADMIN_TOKEN: TOKENS.admin,
      STACKLENS_SECRET_KEY: SECRET_KEY,
      ...env,
    }),
    { store, logger: { level: 'trace', stream } },
  );
}

function call(receiver: Receiver, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return receiver.app.inject({ method, url, headers: { authorization: `Bearer ${TOKENS.admin}` }, ...(payload ? { payload } : {}) });
}

const jiraSettings = (baseUrl: string, extra: object = {}) => ({
  baseUrl,
  email: 'bot@example.com',
  apiToken: JIRA_TOKEN,
  projectKey: 'POS',
  issueType: 'Bug',
  enabled: true,
  autoCreate: false,
  ...extra,
});

/** One OTLP/JSON export request with a record. */
function otlpJsonRequest(): string {
  return JSON.stringify({
    resourceLogs: [
      { resource: {}, scopeLogs: [{ scope: {}, logRecords: [{ timeUnixNano: `${Date.now()}000000`, body: { stringValue: 'x' } }] }] },
    ],
  });
}

const basicToken = Buffer.from(`bot@example.com:${JIRA_TOKEN}`).toString('base64');
const sites: Site[] = [];

beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true });
  store = await openStore({ kind: 'chdb', dataDir: join(root, 'store'), database: 'stacklens', retentionDays: 30 });
});
afterAll(async () => {
  for (const { server } of sites) server.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a secret sealed with its site', () => {
  it('is not sent to a baseUrl rewritten in the store: the token has to be entered again', async () => {
    const legit = await site(() => ({ status: 401, body: '{}' }));
    const attacker = await site(() => ({ status: 200, body: '{"accountId":"x","displayName":"attacker"}' }));
    sites.push(legit, attacker);
    const first = await receiverWith({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' });
    expect((await call(first, 'PUT', '/api/integrations/jira', jiraSettings(legit.url))).statusCode).toBe(200);
    await first.close();
    // Someone with write access to the store, not to the key, points the saved site elsewhere.
    const [row] = await store.transport.query<{ value: string; secrets: string }>(
      `SELECT value, secrets FROM stacklens.stacklens_settings FINAL WHERE name = 'jira'`,
    );
    const moved = { ...JSON.parse(row!.value), baseUrl: attacker.url };
    await store.transport.insertCompactJson(
      'stacklens.stacklens_settings',
      ['name', 'value', 'secrets', 'deleted', 'updatedAt', 'version'],
      `${JSON.stringify(['jira', JSON.stringify(moved), row!.secrets, 0, Date.now(), Number.MAX_SAFE_INTEGER])}\n`,
    );
    const restarted = await receiverWith({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' });
    try {
      const view = (await call(restarted, 'GET', '/api/integrations/jira')).json<{ apiTokenSet: boolean; configured: boolean }>();
      expect(view.apiTokenSet).toBe(false);
      await call(restarted, 'POST', '/api/integrations/jira/test');
      expect(attacker.requests.filter((request) => request.authorization?.includes(basicToken))).toEqual([]);
      expect(logLines.join('\n')).toMatch(/enter it again/);
    } finally {
      await restarted.close();
    }
  });

  it('refuses a cut GCM tag, and keys that are not random', () => {
    const box = new SecretBox(Buffer.from(SECRET_KEY, 'base64'));
    const sealed = box.seal('token', 'jira', { baseUrl: 'https://a.atlassian.net', email: 'bot@example.com' });
    const [format, iv, tag, ciphertext] = sealed.split('.');
    const cut = [format, iv, Buffer.from(tag!, 'base64').subarray(0, 4).toString('base64'), ciphertext].join('.');
    expect(() => box.open(cut, 'jira', { baseUrl: 'https://a.atlassian.net', email: 'bot@example.com' })).toThrow(/tag is 4 bytes/);
    expect(() => new SecretBox(Buffer.alloc(32))).toThrow(/not random/);
    expect(() => new SecretBox(Buffer.from('a-password-someone-typed-in-32b!'))).toThrow(/printable text/);
    expect(() => SecretBox.fromSource({ secretKey: Buffer.from('x'.repeat(32)).toString('base64'), dataDir })).toThrow(/openssl rand/);
  });
});

describe('the files that hold secrets', () => {
  it('get 0700 on the data folder and 0600 on the tokens file at every start', async () => {
    const folder = join(root, 'loose');
    mkdirSync(folder, { mode: 0o755 });
    writeFileSync(join(folder, 'api-tokens.json'), JSON.stringify({ viewer: 'v'.repeat(20), admin: 'a'.repeat(20) }), { mode: 0o644 });
    chmodSync(join(folder, 'api-tokens.json'), 0o644);
    const receiver = await createReceiver(loadConfig({ STACKLENS_DATA_DIR: folder, STACKLENS_SECRET_KEY: SECRET_KEY }), { store });
    await receiver.close();
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'api-tokens.json')).mode & 0o777).toBe(0o600);
  });
});

describe('outbound calls to admin-set URLs', () => {
  let receiver: Receiver;
  let target: Site;
  beforeAll(async () => {
    target = await site(() => ({ status: 200, body: '{}' }));
    sites.push(target);
    receiver = await receiverWith({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => receiver?.close());

  const port = () => new URL(target.url).port;
  /** Private addresses a URL may name: refused by the outbound policy, with the variable that would allow them. */
  const privateUrls = () => [
    `http://127.0.0.1:${port()}`,
    `http://127.1.2.3:${port()}`,
    `http://localhost:${port()}`,
    'http://169.254.169.254',
    'http://10.0.0.1',
    'http://172.16.0.1',
    'http://192.168.1.1',
    'http://100.64.0.1',
    'http://0.0.0.0',
  ];
  /** The same in notations the schema's URL pattern already refuses (IPv6 literals, numeric hosts). */
  const otherNotations = () => [
    `http://[::1]:${port()}`,
    `http://0x7f.1:${port()}`,
    `http://2130706433:${port()}`,
    'http://[fd00:ec2::254]',
  ];

  it('refuses each private address for Jira, in the configuration and in a test, and sends nothing', async () => {
    for (const url of privateUrls()) {
      const saved = await call(receiver, 'PUT', '/api/integrations/jira', jiraSettings(url));
      expect(saved.statusCode, url).toBe(400);
      expect(saved.json().message, url).toMatch(/STACKLENS_ALLOW_PRIVATE_TARGETS=true/);
      const tested = await call(receiver, 'POST', '/api/integrations/jira/test', jiraSettings(url));
      expect(tested.statusCode, url).toBe(400);
    }
    for (const url of otherNotations()) {
      expect((await call(receiver, 'PUT', '/api/integrations/jira', jiraSettings(url))).statusCode, url).toBe(400);
      expect((await call(receiver, 'POST', '/api/integrations/jira/test', jiraSettings(url))).statusCode, url).toBe(400);
    }
    expect(target.requests).toEqual([]);
  });

  it('refuses each private address for the model endpoint', async () => {
    for (const url of privateUrls()) {
      const saved = await call(receiver, 'PUT', '/api/integrations/ai', {
        provider: 'openai',
        baseUrl: `${url}/v1`,
        apiKey: 'sk-hardening-0123456789abcdef',
      });
      expect(saved.statusCode, url).toBe(400);
      expect(saved.json().message, url).toMatch(/STACKLENS_ALLOW_PRIVATE_TARGETS=true/);
    }
    for (const url of otherNotations()) {
      const saved = await call(receiver, 'PUT', '/api/integrations/ai', {
        provider: 'openai',
        baseUrl: `${url}/v1`,
        apiKey: 'sk-hardening-0123456789abcdef',
      });
      expect(saved.statusCode, url).toBe(400);
    }
    expect(target.requests).toEqual([]);
  });
});

describe('a peer that redirects or talks too much', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await receiverWith({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  afterAll(async () => receiver?.close());

  it('is not followed to another origin, so neither the token nor the answer crosses', async () => {
    const elsewhere = await site(() => ({ status: 200, body: '{"displayName":"metadata-secret-value"}' }));
    const redirecting = await site(() => ({ status: 302, body: '', headers: { location: `${elsewhere.url}/latest/meta-data` } }));
    sites.push(elsewhere, redirecting);
    const tested = await call(receiver, 'POST', '/api/integrations/jira/test', jiraSettings(redirecting.url));
    expect(tested.statusCode).toBe(200);
    expect(tested.json().message).toMatch(/redirected to another origin/);
    expect(tested.body).not.toContain('metadata-secret-value');
    expect(elsewhere.requests).toEqual([]);
  });

  it('has its error body redacted and cut before it reaches the answer', async () => {
    const leaky = await site(() => ({
      status: 400,
      body: JSON.stringify({ errorMessages: [`internal: password=hunter2-internal-secret at 10.1.2.3 ${'x'.repeat(5_000)}`] }),
    }));
    sites.push(leaky);
    const tested = await call(receiver, 'POST', '/api/integrations/jira/test', jiraSettings(leaky.url));
    const { message } = tested.json<{ message: string }>();
    expect(message).not.toMatch(/hunter2-internal-secret|10\.1\.2\.3/);
    expect(message.length).toBeLessThan(450);
  });
});

describe('what callers without the right token see, and bad input', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await receiverWith({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  afterAll(async () => receiver?.close());

  it('answers dates the store cannot hold with 400, not 503', async () => {
    for (const url of [
      '/api/errors?from=1800-01-01T00:00:00Z',
      '/api/errors?to=2300-01-01T00:00:00Z',
      '/api/incidents/no-such-id?to=1850-06-01T00:00:00Z',
    ]) {
      const response = await call(receiver, 'GET', url);
      expect(response.statusCode, url).toBe(400);
    }
  });

  it('refuses an e-mail Jira cannot take (400), instead of failing the test with 500', async () => {
    const response = await call(
      receiver,
      'POST',
      '/api/integrations/jira/test',
      jiraSettings('https://example.atlassian.net', { email: 'a@b.c' }),
    );
    expect(response.statusCode).toBe(400);
  });

  it('tells an ingest client whose records could not be stored to retry, not what the store said', async () => {
    const port = await closedPort();
    const down = new LogStore(
      new HttpTransport({ url: `http://127.0.0.1:${port}`, username: 'default', password: '', requestTimeoutMs: 2_000 }),
      'stacklens',
    );
    const unreachable = await createReceiver(loadConfig({ STACKLENS_DATA_DIR: join(root, 'down'), STACKLENS_SECRET_KEY: SECRET_KEY }), {
      store: down,
    });
    try {
      const response = await unreachable.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/json' },
        payload: JSON.parse(otlpJsonRequest()),
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ code: 14, message: 'the log store is unavailable: retry later' });
      expect(response.body).not.toMatch(new RegExp(`ECONNREFUSED|${port}|127\\.0\\.0\\.1`));
    } finally {
      await unreachable.close();
      await down.close();
    }
  });

  it('logs no Authorization header of a request it could not parse, even at trace level', async () => {
    await receiver.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = receiver.app.server.address() as AddressInfo;
    const bearer = 'bearer-token-that-must-not-be-logged-4711';
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        // A header line Node's parser refuses: Fastify's client-error handler logs the raw request.
        socket.write(`GET /api/stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearer}\r\nBad Header\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logLines.some((line) => line.includes('client error'))).toBe(true);
    // Fastify's own handler logs the request's raw bytes (`rawPacket`, a byte array: the header in it, encoded).
    expect(logLines.filter((line) => line.includes(bearer) || line.includes('rawPacket'))).toEqual([]);
  });

  it('keeps the data path out of /health', async () => {
    const health = await receiver.app.inject({ method: 'GET', url: '/health' });
    expect(health.body).not.toContain(root);
  });
});
