import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../src/config.ts';
import { jiraIntegrationFactory, type JiraIntegrationOptions } from '../../../src/jira/jiraIntegration.ts';
import { createReceiver, type Receiver } from '../../../src/receiver.ts';
import type { LogStore } from '../../../src/store/LogStore.ts';
import { protobufRequest, type PosError } from '../../api/support/posErrors.ts';

export const TOKENS = { viewer: 'viewer-token-for-jira-tests', admin: 'admin-token-for-jira-tests' } as const;

/** Timings short enough for tests; behaviour as in production. */
export const FAST: JiraIntegrationOptions = {
  leaseTermMs: 4_000,
  configRefreshMs: 200,
  callTimeoutMs: 2_000,
  worker: { pollIntervalMs: 100, retry: { baseMs: 50, maxMs: 400, rateLimitMs: 300 }, attemptLeaseMs: 1_500 },
  stage: { analysisWaitMs: 100, refreshMs: 200 },
  sync: { pollIntervalMs: 0 },
};

export interface JiraReceiver {
  receiver: Receiver;
  request(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
  ingest(errors: ReadonlyArray<PosError>): Promise<void>;
  /** Every response body this helper saw, and every log line the receiver wrote. */
  transcript(): string;
  close(): Promise<void>;
}

/** The real receiver with only the Jira integration, on a store the test owns, logging everything (trace) into memory. */
export async function startJiraReceiver(
  store: LogStore,
  dataDir: string,
  options: { env?: Record<string, string>; jira?: JiraIntegrationOptions } = {},
): Promise<JiraReceiver> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const receiver = await createReceiver(
    loadConfig({ STACKLENS_DATA_DIR: dataDir, STACKLENS_VIEWER_TOKEN: TOKENS.viewer, STACKLENS_ADMIN_TOKEN: TOKENS.admin, ...options.env }),
    { store, logger: { level: 'trace', stream }, integrations: [jiraIntegrationFactory({ ...FAST, ...options.jira })] },
  );
  const bodies: string[] = [];
  return {
    receiver,
    async request(method, url, payload, token = TOKENS.admin) {
      const response = await receiver.app.inject({
        method,
        url,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      bodies.push(response.body);
      return response;
    },
    async ingest(errors) {
      const response = await receiver.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/x-protobuf' },
        payload: protobufRequest(errors),
      });
      if (response.statusCode !== 200) throw new Error(`ingest: HTTP ${response.statusCode} ${response.body}`);
      await receiver.tracker.flush();
    },
    transcript: () => [...bodies, ...lines].join('\n'),
    close: () => receiver.close(),
  };
}

/** Polls until `check` holds (or returns a value). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function jiraConfig(url: string, overrides: Record<string, unknown> = {}) {
  return {
    baseUrl: url,
    email: 'bot@example.com',
    apiToken: SECRET_TOKEN,
    projectKey: 'POS',
    issueType: 'Bug',
    enabled: true,
    autoCreate: true,
    ...overrides,
  };
}

/** The token the tests save: it must never show up in a response or a log line. */
export const SECRET_TOKEN = 'ATATT3xFfGF0-very-secret-token-4711';

export const missingPrice = (order: number, store = 'STORE_001'): PosError => ({
  errorCode: 'MISSING_PRICE',
  body: `Product 999 has no price (order ORD-${order})`,
  store,
  kiosk: 'KIOSK_01',
});
