import type { Incident } from '@stacklens/processor';
import type { FastifyPluginAsync } from 'fastify';
import type { IncidentActions, IncidentAnnotations } from '../integrations/Integration.ts';
import { errorRoutes } from './errorRoutes.ts';
import type { ErrorQueries } from './ErrorQueries.ts';
import type { IncidentQueries } from './IncidentQueries.ts';
import { incidentRoutes } from './incidentRoutes.ts';
import { statsRoutes } from './statsRoutes.ts';
import type { StatsQueries } from './StatsQueries.ts';

export interface GroupRouteOptions {
  incidents: IncidentQueries;
  errors: ErrorQueries;
  stats: StatsQueries;
  actions: IncidentActions;
  /** Analyses and tickets joined to incidents (from the integrations). */
  annotations: IncidentAnnotations;
  /** After a person's merge: the integrations move what they keep per incident to the survivor. */
  onMerged?: (absorbed: Incident, survivor: Incident) => Promise<void>;
}

/** The group stage's part of the REST API: detected errors, incidents and their statistics. */
export const groupRoutes: FastifyPluginAsync<GroupRouteOptions> = async (api, options) => {
  await api.register(errorRoutes, { errors: options.errors });
  await api.register(incidentRoutes, {
    incidents: options.incidents,
    actions: options.actions,
    annotations: options.annotations,
    onMerged: options.onMerged,
  });
  await api.register(statsRoutes, { stats: options.stats });
};
