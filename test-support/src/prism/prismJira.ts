import { startPrism, type PrismServer } from './prismServer.ts';
import { JIRA_SPEC } from './specs.ts';

/**
 * Prism serving Atlassian's specification with request validation on (its default) and
 * answers generated from the response schemas (`-d`: the spec's examples are JSON text inside
 * strings, not objects). A request the contract refuses gets 4xx, as from Jira; a request
 * without basic auth gets 401.
 */
export function startPrismJira(): Promise<PrismServer> {
  return startPrism(JIRA_SPEC, ['-d']);
}
