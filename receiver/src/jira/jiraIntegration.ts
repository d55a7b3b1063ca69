import type { Integration, IntegrationContext } from '../integrations/Integration.ts';

/** The ticket stage: Jira configuration, outbox, links and their routes. */
export async function createJiraIntegration(_context: IntegrationContext): Promise<Integration> {
  return { name: 'jira', close: async () => {} };
}
