import { jiraIntegrationFactory, type JiraIntegrationOptions } from '../../../src/ticket/jiraIntegration.ts';
import type { LogStore } from '../../../src/store/LogStore.ts';
import type { PosError } from '@stacklens/test-support/otlp';
import { startIntegrationReceiver, type IntegrationReceiver } from '../../support/integrationReceiver.ts';

export { waitFor } from '../../support/integrationReceiver.ts';

export const TOKENS = {
  viewer: 'viewer-token-for-jira-tests',
  editor: 'editor-token-for-jira-tests',
  admin: 'admin-token-for-jira-tests',
} as const;

/** Timings short enough for tests; behaviour as in production. */
export const FAST: JiraIntegrationOptions = {
  leaseTermMs: 4_000,
  configRefreshMs: 200,
  callTimeoutMs: 2_000,
  worker: { pollIntervalMs: 100, retry: { baseMs: 50, maxMs: 400, rateLimitMs: 300 }, attemptLeaseMs: 1_500 },
  stage: { analysisWaitMs: 100, refreshMs: 200 },
  sync: { pollIntervalMs: 0 },
};

export type JiraReceiver = IntegrationReceiver;

/** The real receiver with only the Jira integration, on a store the test owns, logging everything (trace) into memory. */
export function startJiraReceiver(
  store: LogStore,
  dataDir: string,
  options: { env?: Record<string, string>; jira?: JiraIntegrationOptions } = {},
): Promise<JiraReceiver> {
  return startIntegrationReceiver({
    store,
    dataDir,
    tokens: TOKENS,
    env: options.env,
    integrations: [jiraIntegrationFactory({ ...FAST, ...options.jira })],
  });
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
