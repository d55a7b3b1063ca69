import type { Analysis, Incident, IncidentStatus, Severity, TicketLink } from '@stacklens/processor';
import type { FastifyPluginAsync } from 'fastify';
import type { IncidentQueries } from './IncidentQueries.ts';
import type { IncidentView } from './incidentRow.ts';
import type { IncidentActions, IncidentAnnotations } from '../integrations/Integration.ts';
import { ApiError } from '../http/ApiError.ts';
import { actorOf, grafanaContextHeaderSchema } from '../http/grafanaActor.ts';
import { API_ACTOR } from './trackerActions.ts';
import { BEARER, emptyBody, errorResponses, filterString, INCIDENT_STATUSES, pageQuery, severityFilter } from '../http/schemas.ts';
import { storeTime } from '../http/schemas.ts';

export interface IncidentRouteOptions {
  incidents: IncidentQueries;
  actions: IncidentActions;
  /** Analyses and tickets of the integrations, joined to the incidents they belong to. */
  annotations?: IncidentAnnotations;
  /** After a person's merge (see GroupRouteOptions). */
  onMerged?: (absorbed: Incident, survivor: Incident) => Promise<void>;
}

interface IncidentsQuery {
  status?: IncidentStatus;
  severity?: Severity;
  errorType?: string;
  service?: string;
  store?: string;
  text?: string;
  storm?: string;
  limit: number;
  offset: number;
}

interface IdParams {
  id: string;
}

interface DetailQuery {
  minutes: number;
  to?: string;
}

const MAX_HISTOGRAM_MINUTES = 24 * 60;

const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 256, description: 'The incident id (its fingerprint).' } },
} as const;

const listSchema = {
  summary: 'Incidents, most recently seen first',
  description: 'Every filter is optional and they combine with AND. Needs the viewer (or admin) token.',
  tags: ['incidents'],
  security: BEARER,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: INCIDENT_STATUSES },
      severity: severityFilter,
      errorType: filterString,
      service: filterString,
      store: { ...filterString, description: 'Incidents that occurred at least once in this store.' },
      text: {
        ...filterString,
        description:
          'Text, any case, in the title (the message template), the example message, error type, service, store or kiosk ids, or the raw messages and attributes of the samples (a product id such as 999, an order id).',
      },
      storm: { ...filterString, description: 'Incidents grouped under this storm incident (its id): their `stormId`.' },
      ...pageQuery,
    },
  },
  response: {
    200: {
      description: 'One page of incidents and the total matching the filters',
      type: 'object',
      required: ['total', 'items'],
      properties: {
        total: { type: 'integer', description: 'Incidents matching the filters, whatever the limit.' },
        items: {
          type: 'array',
          items: {
            allOf: [{ $ref: 'Incident#' }],
            type: 'object',
            required: ['analysis', 'ticket'],
            properties: {
              analysis: {
                type: ['object', 'null'],
                description: 'The gist of the AI analysis; null while there is none.',
                required: ['analyser', 'summary', 'category', 'confidence'],
                properties: {
                  analyser: { type: 'string', enum: ['openai', 'offline'] },
                  summary: { type: 'string' },
                  category: { type: 'string' },
                  confidence: { type: 'number' },
                },
              },
              ticket: { anyOf: [{ $ref: 'TicketLink#' }, { type: 'null' }] },
            },
          },
        },
      },
    },
    ...errorResponses(400, 401, 503),
  },
} as const;

const detailSchema = {
  summary: 'One incident with its histogram, samples and audit trail',
  description: 'Needs the viewer (or admin) token.',
  tags: ['incidents'],
  security: BEARER,
  params: idParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minutes: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_HISTOGRAM_MINUTES,
        default: 60,
        description: 'Width of the histogram window in minutes.',
      },
      to: { ...storeTime, description: 'End of the histogram window (default: now; years 1900–2261).' },
    },
  },
  response: {
    200: {
      description: 'The incident and what is known about it',
      type: 'object',
      required: ['incident', 'histogram', 'samples', 'audit', 'analysis', 'ticket'],
      properties: {
        incident: { $ref: 'Incident#' },
        histogram: { $ref: 'Histogram#' },
        samples: { type: 'array', description: 'The most recent occurrences, newest first.', items: { $ref: 'IncidentSample#' } },
        audit: { type: 'array', description: 'What happened to the incident, oldest first.', items: { $ref: 'AuditEntry#' } },
        analysis: { anyOf: [{ $ref: 'Analysis#' }, { type: 'null' }], description: 'null until the enrich stage has answered.' },
        ticket: { anyOf: [{ $ref: 'TicketLink#' }, { type: 'null' }], description: 'null while no Jira issue is linked.' },
      },
    },
    ...errorResponses(400, 401, 404, 503),
  },
} as const;

const changeSchema = (action: 'Acknowledge' | 'Resolve') =>
  ({
    summary: `${action} an incident`,
    description:
      'Needs the editor or admin token. The change is published on the live feed, recorded in the audit trail ' +
      '(actor `api`, or `grafana:<login>` for the Grafana user in `X-Grafana-Context` on a request with the editor or admin token) ' +
      'and written to the store before the answer. Asking for the status the incident already has changes nothing. ' +
      'No body is needed; an empty JSON object is accepted.',
    tags: ['incidents'],
    security: BEARER,
    params: idParams,
    headers: grafanaContextHeaderSchema,
    body: emptyBody,
    response: { 200: { $ref: 'Incident#' }, ...errorResponses(400, 401, 403, 404, 503) },
  }) as const;

/** GET /incidents, GET /incidents/:id, POST /incidents/:id/ack and /resolve. */
export const incidentRoutes: FastifyPluginAsync<IncidentRouteOptions> = async (app, { incidents, actions, annotations = {}, onMerged }) => {
  app.get<{ Querystring: IncidentsQuery }>('/incidents', { schema: listSchema, onRequest: app.requireRole('viewer') }, async (request) => {
    const page = await incidents.list(request.query);
    const { analyses, tickets } = await annotate(
      annotations,
      page.items.map((incident) => incident.id),
    );
    const items = page.items.map((incident) => {
      const analysis = analyses.get(incident.id);
      return {
        ...incident,
        analysis: analysis
          ? { analyser: analysis.analyser, summary: analysis.summary, category: analysis.category, confidence: analysis.confidence }
          : null,
        ticket: ticketView(tickets.get(incident.id)),
      };
    });
    return { total: page.total, items };
  });

  app.get<{ Params: IdParams; Querystring: DetailQuery }>(
    '/incidents/:id',
    { schema: detailSchema, onRequest: app.requireRole('viewer') },
    async (request) => {
      const incident = await incidents.find(request.params.id);
      if (!incident) throw notFound(request.params.id);
      // A merged incident's id answers with the incident it was merged into.
      const { id } = incident;
      const endMs = request.query.to === undefined ? Date.now() : Date.parse(request.query.to);
      const [histogram, audit, { analyses, tickets }] = await Promise.all([
        incidents.histogram(id, endMs, request.query.minutes),
        incidents.audit(id),
        annotate(annotations, [id]),
      ]);
      const { samples, ...view } = incident;
      return {
        incident: view satisfies IncidentView,
        histogram,
        samples,
        audit,
        analysis: analysisView(analyses.get(id)),
        ticket: ticketView(tickets.get(id)),
      };
    },
  );

  const changeRoute = (path: 'ack' | 'resolve', action: 'Acknowledge' | 'Resolve', change: IncidentActions['resolve']) =>
    app.post<{ Params: IdParams }>(
      `/incidents/:id/${path}`,
      { schema: changeSchema(action), onRequest: app.requireRole('editor') },
      async (request) => {
        const incident = await change(request.params.id, actorOf(request, API_ACTOR));
        if (!incident) throw notFound(request.params.id);
        const { samples: _samples, ...view } = incident;
        return view;
      },
    );
  changeRoute('ack', 'Acknowledge', (id, actor) => actions.acknowledge(id, actor));
  changeRoute('resolve', 'Resolve', (id, actor) => actions.resolve(id, actor));

  app.post<{ Params: IdParams; Body: { into: string } }>(
    '/incidents/:id/merge',
    { schema: mergeSchema, onRequest: app.requireRole('admin') },
    async (request) => {
      const { id } = request.params;
      const { into } = request.body;
      const merged = await actions.merge(id, into, actorOf(request, API_ACTOR));
      if (!merged) {
        if (!(await incidents.find(id))) throw notFound(id);
        if (!(await incidents.find(into))) throw notFound(into);
        // Stored but not (or no longer) known to the tracker as two incidents.
        throw new ApiError('CONFLICT', `incidents ${JSON.stringify(id)} and ${JSON.stringify(into)} cannot be merged as they stand`);
      }
      await onMerged?.(merged.absorbed, merged.survivor);
      const { samples: _samples, ...view } = merged.survivor;
      return view;
    },
  );

  app.post<{ Params: IdParams }>(
    '/incidents/:id/unmerge',
    { schema: unmergeSchema, onRequest: app.requireRole('admin') },
    async (request) => {
      const incident = await actions.unmerge(request.params.id, actorOf(request, API_ACTOR));
      if (!incident) throw new ApiError('NOT_FOUND', `no merged incident with id ${JSON.stringify(request.params.id)}`);
      const { samples: _samples, ...view } = incident;
      return view;
    },
  );
};

const mergeSchema = {
  summary: 'Merge an incident into another',
  description:
    'Needs the admin token. The incident `:id` becomes part of `into`: counts, stores and kiosks add up, its fingerprints ' +
    'and its id resolve to `into` from now on, and the ticket and analysis of `into` stand for both (when only `:id` has a ' +
    'ticket, it moves to `into`; no second ticket is filed). Recorded in both audit trails (stage `merged`, actor `api`, or ' +
    '`grafana:<login>` for the Grafana user in `X-Grafana-Context`) and announced on the live feed (`incident.merged` for `:id`, ' +
    "`incident.updated` for `into`). Answers the merged incident. 409 (`CONFLICT`) when the incidents' state forbids it: " +
    '`:id` and `into` are one incident already, `:id` is `into`, or either was merged into a third.',
  tags: ['incidents'],
  security: BEARER,
  params: idParams,
  headers: grafanaContextHeaderSchema,
  body: {
    type: 'object',
    required: ['into'],
    additionalProperties: false,
    properties: { into: { type: 'string', minLength: 1, maxLength: 256, description: 'The id of the incident that stays.' } },
  },
  response: { 200: { $ref: 'Incident#' }, ...errorResponses(400, 401, 403, 404, 409, 503) },
} as const;

const unmergeSchema = {
  summary: 'Take a merged incident out again',
  description:
    'Needs the admin token. The incident comes back as it was when merged, its counts leave the one it was merged into, ' +
    'and its id resolves to itself again. Recorded in both audit trails (stage `unmerged`, actor as for a merge) and announced ' +
    'on the live feed (`incident.unmerged` for the restored incident). Answers the restored incident.',
  tags: ['incidents'],
  security: BEARER,
  params: idParams,
  headers: grafanaContextHeaderSchema,
  body: emptyBody,
  response: { 200: { $ref: 'Incident#' }, ...errorResponses(400, 401, 403, 404, 503) },
} as const;

function notFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `no incident with id ${JSON.stringify(id)}`);
}

async function annotate(
  annotations: IncidentAnnotations,
  ids: ReadonlyArray<string>,
): Promise<{ analyses: Map<string, Analysis>; tickets: Map<string, TicketLink> }> {
  if (ids.length === 0) return { analyses: new Map(), tickets: new Map() };
  const [analyses, tickets] = await Promise.all([
    annotations.analyses?.(ids) ?? new Map<string, Analysis>(),
    annotations.tickets?.(ids) ?? new Map<string, TicketLink>(),
  ]);
  return { analyses, tickets };
}

function analysisView(analysis: Analysis | undefined) {
  return analysis ? { ...analysis, createdAt: new Date(analysis.createdAt).toISOString() } : null;
}

function ticketView(ticket: TicketLink | undefined) {
  return ticket
    ? { ...ticket, createdAt: new Date(ticket.createdAt).toISOString(), updatedAt: new Date(ticket.updatedAt).toISOString() }
    : null;
}
