import type { Severity } from '@stacklens/processor';
import type { FastifyPluginAsync } from 'fastify';
import type { ErrorQueries } from './ErrorQueries.ts';
import { BEARER, errorResponses, filterString, pageQuery, severityFilter, storeTime } from '../http/schemas.ts';

export interface ErrorRouteOptions {
  errors: ErrorQueries;
}

interface ErrorsQuery {
  severity?: Severity;
  errorType?: string;
  service?: string;
  store?: string;
  kiosk?: string;
  from?: string;
  to?: string;
  text?: string;
  limit: number;
  offset: number;
}

const errorsSchema = {
  summary: 'Detected error records, newest first',
  description: 'Every filter is optional and they combine with AND. Needs the viewer (or admin) token.',
  tags: ['errors'],
  security: BEARER,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      severity: severityFilter,
      errorType: filterString,
      service: filterString,
      store: { ...filterString, description: 'Store id (`pos.store.id`).' },
      kiosk: { ...filterString, description: 'Kiosk id (`pos.kiosk.id`).' },
      from: { ...storeTime, description: 'Records at or after this time (ISO 8601, years 1900–2261).' },
      to: { ...storeTime, description: 'Records at or before this time (ISO 8601, years 1900–2261).' },
      text: { ...filterString, description: 'Case-insensitive substring of the body.' },
      ...pageQuery,
    },
  },
  response: {
    200: {
      description: 'One page of records and the total matching the filters',
      type: 'object',
      required: ['total', 'items'],
      properties: {
        total: { type: 'integer', description: 'Records matching the filters, whatever the limit.' },
        items: { type: 'array', items: { $ref: 'ErrorRecord#' } },
      },
    },
    ...errorResponses(400, 401, 503),
  },
} as const;

/** GET /errors: the detected error records behind the incidents. */
export const errorRoutes: FastifyPluginAsync<ErrorRouteOptions> = async (app, { errors }) => {
  app.get<{ Querystring: ErrorsQuery }>('/errors', { schema: errorsSchema, onRequest: app.requireRole('viewer') }, async (request) => {
    const { from, to, ...filters } = request.query;
    const fromMs = from === undefined ? undefined : Date.parse(from);
    const toMs = to === undefined ? undefined : Date.parse(to);
    // A window that ends before it starts holds nothing: an empty page, like any filter nothing matches.
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) return { total: 0, items: [] };
    return errors.list({ ...filters, fromMs, toMs });
  });
};
