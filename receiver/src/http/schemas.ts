import { ANALYSIS_CATEGORIES, AUDIT_STAGES, SEVERITIES } from '@stacklens/processor';
import type { FastifyInstance } from 'fastify';
import { API_ERRORS } from './ApiError.ts';

/**
 * The REST API's shared JSON schemas: the contract clients rely on and the
 * OpenAPI document's components. Inputs refuse unknown properties.
 */

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

const countMap = {
  type: 'object',
  additionalProperties: { type: 'integer', minimum: 0 },
} as const;

const isoTime = { type: 'string', format: 'date-time' } as const;

/**
 * A time a query may filter on: ISO 8601 within the years the store's DateTime64 columns hold
 * (1900–2261), so a date beyond them is a 400 naming the parameter, not a failed query.
 */
export const storeTime = { type: 'string', format: 'date-time', pattern: '^(19[0-9]{2}|2[01][0-9]{2}|22[0-5][0-9]|226[01])-' } as const;

const sharedSchemas = [
  {
    $id: 'ApiError',
    type: 'object',
    description: 'Every error answer of the API. `code` is stable; `message` is for people.',
    required: ['statusCode', 'code', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      code: {
        type: 'string',
        enum: Object.keys(API_ERRORS),
      },
      message: { type: 'string' },
    },
  },
  {
    $id: 'TicketPolicy',
    type: 'object',
    description: "When the incident's rule has a ticket created: `auto` after N occurrences in a window, `manual`, `never`.",
    required: ['mode'],
    properties: {
      mode: { type: 'string', enum: ['auto', 'manual', 'never'] },
      afterOccurrences: { type: 'integer' },
      windowMinutes: { type: 'integer' },
    },
  },
  {
    $id: 'Incident',
    type: 'object',
    description: 'One incident per fingerprint: the grouped state of every occurrence of one error.',
    required: [
      'id',
      'fingerprint',
      'service',
      'errorType',
      'exceptionType',
      'severity',
      'title',
      'ruleId',
      'ticketPolicy',
      'status',
      'count',
      'firstSeen',
      'lastSeen',
      'storeCounts',
      'kioskCounts',
      'regressions',
      'timeToDetectMs',
      'updatedAt',
      'example',
    ],
    properties: {
      id: { type: 'string', description: 'Equal to the fingerprint: stable across restarts and receivers.' },
      fingerprint: { type: 'string' },
      service: { type: 'string' },
      errorType: { type: 'string' },
      exceptionType: { type: 'string' },
      severity: { type: 'string', enum: SEVERITIES },
      title: {
        type: 'string',
        description:
          'The message template: the variable parts shown as such (`<*>`, `<num>`, `<id>`, `<host>`…), e.g. `Product <num> has no price`. ' +
          'A storm incident: `Storm: N new incidents of rule … in … (e.g. <template>)`.',
      },
      example: {
        type: 'string',
        description:
          "One real message of the incident as it arrived (its first occurrence's body, or exception message), at most 1,000 characters; " +
          'empty for an incident stored before it was kept and without samples.',
      },
      stormId: {
        type: 'string',
        description:
          "Present on an incident grouped under a storm (the storm guard): the storm incident's id, whose analysis and ticket stand for it.",
      },
      stormSize: {
        type: 'integer',
        description:
          'Present on a storm incident: how many new incidents of its rule and service it stands for (grouped under it or folded into it).',
      },
      ruleId: { type: 'string' },
      ticketPolicy: { $ref: 'TicketPolicy#' },
      status: { type: 'string', enum: INCIDENT_STATUSES },
      count: { type: 'integer', description: 'Occurrences so far.' },
      firstSeen: isoTime,
      lastSeen: isoTime,
      storeCounts: { ...countMap, description: 'Occurrences per store id.' },
      kioskCounts: {
        ...countMap,
        description: 'Occurrences per kiosk, keyed store/kiosk (STORE_001/KIOSK_001): kiosk ids repeat across stores.',
      },
      regressions: { type: 'integer', description: 'How many times the incident fired again after being resolved.' },
      timeToDetectMs: { type: 'integer' },
      updatedAt: { ...isoTime, description: 'When this state was reached.' },
    },
  },
  {
    $id: 'IncidentSample',
    type: 'object',
    required: ['timestamp', 'traceId', 'spanId', 'storeId', 'kioskId', 'body', 'attributes'],
    properties: {
      timestamp: isoTime,
      traceId: { type: 'string' },
      spanId: { type: 'string' },
      storeId: { type: 'string' },
      kioskId: { type: 'string' },
      body: { type: 'string' },
      attributes: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  {
    $id: 'AuditEntry',
    type: 'object',
    required: ['stage', 'at', 'detail', 'actor'],
    properties: {
      stage: { type: 'string', enum: AUDIT_STAGES },
      at: isoTime,
      detail: { type: 'string' },
      actor: {
        type: 'string',
        description: "'stacklens' for the pipeline, 'api' for a person through the API, 'jira' for a ticket moved to Done in Jira.",
      },
    },
  },
  {
    $id: 'Histogram',
    type: 'object',
    description: 'Occurrences per minute over [from, to); every minute is present.',
    required: ['from', 'to', 'bucketSeconds', 'total', 'buckets'],
    properties: {
      from: isoTime,
      to: isoTime,
      bucketSeconds: { type: 'integer' },
      total: { type: 'integer' },
      buckets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'count'],
          properties: { at: isoTime, count: { type: 'integer' } },
        },
      },
    },
  },
  {
    $id: 'ErrorRecord',
    type: 'object',
    description: 'One detected error record (an occurrence of an incident).',
    required: [
      'incidentId',
      'timestamp',
      'timeUnixNano',
      'detectedAt',
      'service',
      'errorType',
      'severity',
      'storeId',
      'kioskId',
      'traceId',
      'spanId',
      'body',
      'errorCode',
    ],
    properties: {
      incidentId: { type: 'string' },
      timestamp: isoTime,
      timeUnixNano: { type: 'string', pattern: '^[0-9]+$', description: 'The record time at full precision.' },
      detectedAt: isoTime,
      service: { type: 'string' },
      errorType: { type: 'string' },
      severity: { type: 'string', enum: SEVERITIES },
      storeId: { type: 'string' },
      kioskId: { type: 'string' },
      traceId: { type: 'string' },
      spanId: { type: 'string' },
      body: { type: 'string' },
      errorCode: { type: 'string' },
    },
  },
  {
    $id: 'Analysis',
    type: 'object',
    description: 'The AI analysis of an incident: the same shape whichever analyser (a model or the offline one) gave it.',
    required: [
      'incidentId',
      'fingerprint',
      'analyser',
      'model',
      'rootCause',
      'category',
      'fixes',
      'confidence',
      'summary',
      'similarIncidents',
      'createdAt',
      'durationMs',
    ],
    properties: {
      incidentId: { type: 'string' },
      fingerprint: { type: 'string' },
      analyser: { type: 'string', enum: ['openai', 'offline'] },
      model: { type: 'string', description: "The model's name, or the offline knowledge base's version." },
      rootCause: { type: 'string' },
      category: { type: 'string', enum: ANALYSIS_CATEGORIES },
      fixes: {
        type: 'array',
        description: 'Ranked, best first.',
        items: {
          type: 'object',
          required: ['rank', 'action', 'priority', 'estimatedMinutes', 'automatable'],
          properties: {
            rank: { type: 'integer', minimum: 1 },
            action: { type: 'string' },
            priority: { type: 'string', enum: ['high', 'medium', 'low'] },
            estimatedMinutes: { type: 'integer', minimum: 0 },
            automatable: { type: 'boolean' },
          },
        },
      },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      summary: { type: 'string', description: 'A short line fit for a ticket title.' },
      similarIncidents: {
        type: 'array',
        items: {
          type: 'object',
          required: ['incidentId', 'errorType', 'title', 'status'],
          properties: {
            incidentId: { type: 'string' },
            errorType: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'string', enum: INCIDENT_STATUSES },
            ticketKey: { type: 'string' },
          },
        },
      },
      fallbackReason: { type: 'string', description: 'Why the offline analyser answered although a model is configured.' },
      createdAt: isoTime,
      durationMs: { type: 'integer', minimum: 0 },
    },
  },
  {
    $id: 'TicketLink',
    type: 'object',
    description: "The Jira issue filed for the incident's fingerprint, with its last known status.",
    required: ['incidentId', 'fingerprint', 'key', 'url', 'status', 'statusCategory', 'createdAt', 'updatedAt'],
    properties: {
      incidentId: { type: 'string' },
      fingerprint: { type: 'string' },
      key: { type: 'string', description: 'e.g. POS-123' },
      url: { type: 'string', description: "The issue in Jira's web UI." },
      status: { type: 'string', description: "Jira's status name, e.g. 'To Do'." },
      statusCategory: { type: 'string', enum: ['new', 'indeterminate', 'done', 'unknown'] },
      createdAt: isoTime,
      updatedAt: isoTime,
    },
  },
  {
    $id: 'Percentiles',
    type: ['object', 'null'],
    description: 'Percentiles in milliseconds and how many values they come from; null when there are no values.',
    required: ['p50', 'p95', 'p99', 'samples'],
    properties: {
      p50: { type: 'integer' },
      p95: { type: 'integer' },
      p99: { type: 'integer' },
      samples: { type: 'integer' },
    },
  },
] as const;

/** Registers the shared schemas on the API's scope (and so in the OpenAPI components). */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const schema of sharedSchemas) app.addSchema(schema);
}

/** Error answers a route may give, by status. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((status) => [status, { $ref: 'ApiError#' }]));
}

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
} as const;

/** A filter value: free text, bounded. */
export const filterString = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const severityFilter = { type: 'string', enum: SEVERITIES } as const;

export const BEARER = [{ bearerAuth: [] }];

/** A route that takes no settings: an empty object, or no body. */
export const emptyBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
