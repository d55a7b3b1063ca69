import type { IncidentAnnotations, Integration, IntegrationContext, IntegrationFactory } from './Integration.ts';

export type * from './Integration.ts';

/** Builds the integrations in order (a later one sees what an earlier one provides); if one fails, those already built are closed. */
export async function createIntegrations(
  context: IntegrationContext,
  factories: ReadonlyArray<IntegrationFactory>,
): Promise<Integration[]> {
  const built: Integration[] = [];
  try {
    for (const factory of factories) {
      const analyses = built.findLast((integration) => integration.analyses)?.analyses;
      built.push(await factory({ ...context, analyses }));
    }
    return built;
  } catch (error) {
    await closeIntegrations(built);
    throw error;
  }
}

/** Closes in reverse order (the ticket stage before the analyses it reads). */
export async function closeIntegrations(integrations: ReadonlyArray<Integration>): Promise<void> {
  for (const integration of [...integrations].reverse()) await integration.close();
}

/** One lookup of each kind for the incident routes: the first integration that offers it answers. */
export function mergeAnnotations(integrations: ReadonlyArray<Integration>): IncidentAnnotations {
  const analyses = integrations.find((integration) => integration.annotations?.analyses)?.annotations;
  const tickets = integrations.find((integration) => integration.annotations?.tickets)?.annotations;
  return {
    analyses: analyses?.analyses && ((ids) => analyses.analyses!(ids)),
    tickets: tickets?.tickets && ((ids) => tickets.tickets!(ids)),
  };
}
