import { SEVERITIES } from '@stacklens/processor';
import type { FastifyPluginAsync } from 'fastify';
import type { StatsQueries } from './StatsQueries.ts';
import { BEARER, errorResponses } from '../http/schemas.ts';

export interface StatsRouteOptions {
  stats: StatsQueries;
}

const count = { type: 'integer', minimum: 0 } as const;

const severityStats = {
  type: 'object',
  required: ['incidents', 'open', 'occurrences'],
  properties: { incidents: count, open: count, occurrences: count },
} as const;

const statsSchema = {
  summary: 'Totals, breakdowns and timing percentiles',
  description:
    'Over everything the incident tables keep (the retention). `openTickets` counts unresolved incidents with a ' +
    '`ticket.created` audit entry, so it stays 0 until the ticket stage creates tickets; `timeToTicketMs` is null ' +
    "until then. `timeToDetectMs`: from a record's own timestamp to its detection, over the occurrences kept (null " +
    "when there are none). `timeToTicketMs`: from an incident's first occurrence to its first `ticket.created`. " +
    'Needs the viewer (or admin) token.',
  tags: ['stats'],
  security: BEARER,
  querystring: { type: 'object', additionalProperties: false, properties: {} },
  response: {
    200: {
      description: 'The figures',
      type: 'object',
      required: ['totals', 'bySeverity', 'critical', 'openTickets', 'perStore', 'timeToDetectMs', 'timeToTicketMs'],
      properties: {
        totals: {
          type: 'object',
          required: ['incidents', 'occurrences', 'openIncidents'],
          properties: { incidents: count, occurrences: count, openIncidents: count },
        },
        bySeverity: {
          type: 'object',
          required: [...SEVERITIES],
          properties: Object.fromEntries(SEVERITIES.map((severity) => [severity, severityStats])),
        },
        critical: {
          type: 'object',
          description: 'CRITICAL incidents, and those of them not resolved.',
          required: ['incidents', 'open'],
          properties: { incidents: count, open: count },
        },
        openTickets: count,
        perStore: {
          type: 'array',
          description: 'Occurrences and distinct incidents per store, busiest first (at most 100 stores).',
          items: {
            type: 'object',
            required: ['storeId', 'occurrences', 'incidents'],
            properties: { storeId: { type: 'string' }, occurrences: count, incidents: count },
          },
        },
        timeToDetectMs: { $ref: 'Percentiles#' },
        timeToTicketMs: { $ref: 'Percentiles#' },
      },
    },
    ...errorResponses(400, 401, 503),
  },
};

/** GET /stats: the dashboard's figures. */
export const statsRoutes: FastifyPluginAsync<StatsRouteOptions> = async (app, { stats }) => {
  app.get('/stats', { schema: statsSchema, onRequest: app.requireRole('viewer') }, async () => stats.stats());
};
