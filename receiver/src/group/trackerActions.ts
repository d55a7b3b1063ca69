import type { Incident, IncidentTracker } from '@stacklens/processor';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import type { IncidentActions } from '../integrations/Integration.ts';

/** The audit trail's actor for changes made through the API. */
export const API_ACTOR = 'api';

/**
 * Acknowledge and resolve through the tracker, which publishes the change on
 * the live feed and records it in the audit trail, then write it to the store
 * so the next read (from any receiver) sees it. When that write fails the
 * change still stands: the tracker keeps it and writes it at its next flush.
 */
export function trackerActions(tracker: IncidentTracker, log: FastifyBaseLogger, started: () => boolean): IncidentActions {
  const persisted = async (change: () => Incident | undefined): Promise<Incident | undefined> => {
    // Until the stored incidents are loaded the tracker knows none of them: "unknown" would be wrong.
    if (!started()) throw new ApiError('STORE_UNAVAILABLE', 'the incidents are not loaded yet (the store did not answer); try again');
    const incident = change();
    if (incident) {
      await tracker.flush().catch((error: unknown) => {
        log.warn({ err: error }, 'incident change not yet stored; the tracker retries at its next flush');
      });
    }
    return incident;
  };
  return {
    acknowledge: (id, actor = API_ACTOR) => persisted(() => tracker.acknowledge(id, actor)),
    resolve: (id, actor = API_ACTOR) => persisted(() => tracker.resolve(id, actor)),
    async merge(id, intoId, actor = API_ACTOR) {
      let absorbed: Incident | undefined;
      const survivor = await persisted(() => {
        const conflict = mergeConflict(tracker, id, intoId);
        if (conflict !== undefined) throw new ApiError('CONFLICT', conflict);
        absorbed = tracker.get(id);
        return tracker.merge(id, intoId, actor);
      });
      return survivor === undefined || absorbed === undefined ? undefined : { absorbed, survivor };
    },
    unmerge: (id, actor = API_ACTOR) => persisted(() => tracker.unmerge(id, actor)),
  };
}

/**
 * Why `id` cannot be merged into `intoId` as the incidents stand now (a state conflict: 409),
 * or undefined when it can, or when either is unknown (the route's 404). The tracker resolves
 * an id merged away to its survivor, so without these checks a merge of an incident merged
 * away would move its survivor, a different incident, and one into an incident merged away
 * would land in that one's survivor: the person did not ask for either.
 */
export function mergeConflict(tracker: Pick<IncidentTracker, 'incidentIdOf'>, id: string, intoId: string): string | undefined {
  const from = tracker.incidentIdOf(id);
  const into = tracker.incidentIdOf(intoId);
  if (from === undefined || into === undefined) return undefined;
  const name = (value: string) => JSON.stringify(value);
  if (id === intoId) return `incident ${name(id)} cannot be merged into itself`;
  if (from === into) {
    if (from === intoId) return `incident ${name(id)} is already part of ${name(intoId)}`;
    if (from === id) return `incident ${name(intoId)} is already part of ${name(id)}`;
    return `incidents ${name(id)} and ${name(intoId)} are already part of ${name(from)}`;
  }
  if (from !== id) return `incident ${name(id)} was merged into ${name(from)}: unmerge it first, or merge ${name(from)}`;
  if (into !== intoId) return `incident ${name(intoId)} was merged into ${name(into)}: merge into ${name(into)} instead`;
  return undefined;
}
