import type { Integration, IntegrationContext } from '../integrations/Integration.ts';

/** The enrich stage: analyses, their storage and the analyser settings routes. */
export async function createAiIntegration(_context: IntegrationContext): Promise<Integration> {
  return { name: 'ai', close: async () => {} };
}
