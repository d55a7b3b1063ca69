import type { Incident } from '@stacklens/processor';
import type { TicketStage } from '@stacklens/processor/ticket';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { BEARER, errorResponses } from '../http/schemas.ts';
import { API_ACTOR } from '../group/trackerActions.ts';
import { actorOf, grafanaContextHeaderSchema } from '../http/grafanaActor.ts';
import type { JiraConfigStore } from './JiraConfigStore.ts';
import { jobView } from './jiraRoutes.ts';
import { jobSchema } from './jiraSchemas.ts';

export interface ManualTicketOptions {
  stage: TicketStage;
  config: JiraConfigStore;
  /** The incident as the store has it. */
  find(id: string): Promise<Incident | undefined>;
}

/** POST /incidents/:id/jira: a person asks for the incident's ticket (editor or admin token). */
export const manualTicketRoute: FastifyPluginAsync<ManualTicketOptions> = async (app, { stage, config, find }) => {
  app.post<{ Params: { id: string }; Body: { notes?: string } | null }>(
    '/incidents/:id/jira',
    {
      schema: {
        summary: "File the incident's Jira ticket",
        description:
          'Needs the editor or admin token. One open ticket per fingerprint: when one is linked it is answered (200); otherwise a ' +
          'create job is queued in the outbox, or the one already queued is answered (202). Recorded in the audit trail (actor api, ' +
          'or grafana:<login> for the Grafana user in X-Grafana-Context on a request with the editor or admin token).',
        tags: ['jira', 'incidents'],
        security: BEARER,
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        headers: grafanaContextHeaderSchema,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { notes: { type: 'string', maxLength: 4000, description: 'Added to the description.' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['status', 'ticket'],
            properties: { status: { type: 'string', enum: ['linked'] }, ticket: { $ref: 'TicketLink#' } },
          },
          202: {
            type: 'object',
            required: ['status', 'job'],
            properties: { status: { type: 'string', enum: ['queued'] }, job: jobSchema },
          },
          ...errorResponses(400, 401, 403, 404, 409, 503),
        },
      },
      onRequest: app.requireRole('editor'),
    },
    async (request, reply) => {
      const settings = config.current();
      if (!settings) throw new ApiError('CONFLICT', 'Jira is not configured: PUT /api/integrations/jira first');
      if (!settings.enabled) throw new ApiError('CONFLICT', 'the Jira integration is disabled: enable it with PUT /api/integrations/jira');
      const incident = stage.snapshot(request.params.id) ?? (await find(request.params.id));
      if (!incident) throw new ApiError('NOT_FOUND', `no incident with id ${JSON.stringify(request.params.id)}`);
      const notes = request.body?.notes?.trim() || undefined;
      const result = await stage.requestTicket(incident, notes, actorOf(request, API_ACTOR));
      if (result.status === 'linked') {
        const { ticket } = result;
        return {
          status: 'linked',
          ticket: { ...ticket, createdAt: new Date(ticket.createdAt).toISOString(), updatedAt: new Date(ticket.updatedAt).toISOString() },
        };
      }
      return reply.code(202).send({ status: 'queued', job: jobView(result.job) });
    },
  );
};
