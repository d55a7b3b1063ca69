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
        absorbed = tracker.get(id);
        return tracker.merge(id, intoId, actor);
      });
      return survivor === undefined || absorbed === undefined ? undefined : { absorbed, survivor };
    },
    unmerge: (id, actor = API_ACTOR) => persisted(() => tracker.unmerge(id, actor)),
  };
}
