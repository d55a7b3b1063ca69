import { aiIntegrationFactory, type AiIntegrationOptions } from '../../../src/enrich/aiIntegration.ts';
import type { LogStore } from '../../../src/store/LogStore.ts';
import { startIntegrationReceiver, type IntegrationReceiver } from '../../support/integrationReceiver.ts';

export { waitFor } from '../../support/integrationReceiver.ts';

export const TOKENS = { viewer: 'viewer-token-for-ai-tests', admin: 'admin-token-for-ai-tests' } as const;

export type AiReceiver = IntegrationReceiver;

/** The real receiver with only the AI integration, on a store the test owns, logging everything (trace) into memory. */
export function startAiReceiver(
  store: LogStore,
  dataDir: string,
  options: { env?: Record<string, string>; ai?: AiIntegrationOptions } = {},
): Promise<AiReceiver> {
  return startIntegrationReceiver({
    store,
    dataDir,
    tokens: TOKENS,
    env: options.env,
    integrations: [aiIntegrationFactory({ configRefreshMs: 200, ...options.ai })],
  });
}
