import websocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { authPlugin } from '../http/auth.ts';
import { BEARER, emptyBody } from '../http/schemas.ts';
import { LiveHub } from './LiveHub.ts';
import { parseQueryFilter } from './liveFilter.ts';
import { LiveTickets } from './LiveTickets.ts';
import type { LiveEventSource, LiveFeedStats, LiveFilter, LiveSocket } from './types.ts';

export interface LiveFeedOptions {
  /** The processor's LiveEventBus (or anything with its subscribe/recent). */
  bus: LiveEventSource;
  /** Used only when the app has not registered the auth plugin (no `requireRole` decorator). */
  tokens: { viewer: string; admin: string };
  /** Lifetime of a ticket (default 30 s). */
  ticketTtlMs?: number;
  /** Interval of ping frames and heartbeat messages (default 15 s); two unanswered pings end a client. */
  heartbeatMs?: number;
  /** A client whose unsent data passes this when an event is due is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Events replayed on connect and on each subscribe (default 50). */
  backfill?: number;
  /** Unredeemed tickets kept at most; past it the oldest is forgotten (default 10,000). */
  maxTickets?: number;
  /** How long a closed client (slow, or at shutdown) gets for the close handshake before it is destroyed (default 1 s). */
  closeGraceMs?: number;
  /** Largest message a client may send (default 16 KiB); larger ones end the connection with 1009. */
  maxMessageBytes?: number;
}

export const LIVE_FEED_DEFAULTS = {
  ticketTtlMs: 30_000,
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  backfill: 50,
  maxTickets: 10_000,
  closeGraceMs: 1_000,
  maxMessageBytes: 16 * 1024,
} as const;

type Limits = { -readonly [K in keyof typeof LIVE_FEED_DEFAULTS]: number };

interface LiveQuery {
  ticket?: string;
  severity?: string;
  service?: string;
  store?: string;
}

/** OpenAPI security of the bearer-token routes (the REST API names its scheme `bearerAuth`). */

const filterList = { type: 'string', maxLength: 4096, description: 'comma-separated values' } as const;

const ticketSchema = {
  summary: 'A one-time ticket to open the live feed',
  description:
    'Browsers cannot set headers on a WebSocket: fetch a ticket with the bearer token (viewer or admin), then open ' +
    'GET /api/live?ticket=… within its lifetime. A ticket opens one connection, once, and grants reading the feed only.',
  tags: ['live'],
  security: BEARER,
  body: emptyBody,
  response: {
    200: {
      type: 'object',
      required: ['ticket', 'expiresAt'],
      properties: {
        ticket: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
  },
} as const;

const liveError = {
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
} as const;

const liveSchema = {
  summary: 'The live event feed (WebSocket)',
  description:
    'Upgrade with a ticket from POST /api/live/ticket; 401 before the upgrade without a valid one. Messages: hello, ' +
    'backfill, then events; send {"type":"subscribe","filters":{"severity":[],"service":[],"store":[]}} to change filters.',
  tags: ['live'],
  security: [],
  querystring: {
    type: 'object',
    properties: { ticket: { type: 'string', maxLength: 256 }, severity: filterList, service: filterList, store: filterList },
  },
  // Inline: the feed may be registered outside the API's scope, without its shared ApiError schema.
  response: {
    400: liveError,
    401: liveError,
    // Not a WebSocket upgrade (a plain GET): open the feed as a WebSocket.
    426: liveError,
  },
} as const;

const statsSchema = {
  summary: 'Counters of the live feed',
  tags: ['live'],
  security: BEARER,
  response: {
    200: {
      type: 'object',
      properties: Object.fromEntries(
        [
          'connections',
          'accepted',
          'eventsSent',
          'slowClientsDropped',
          'unresponsiveTerminated',
          'peakBufferedBytes',
          'ticketsIssued',
          'ticketsOutstanding',
          'ticketsRefused',
        ].map((name) => [name, { type: 'integer' }]),
      ),
    },
  },
} as const;

/**
 * The live feed: POST /live/ticket, GET /live (WebSocket) and GET /live/stats,
 * registered under the `/api` prefix (inside the REST API's scope, or with
 * `{ prefix: '/api' }`). Encapsulated: it registers @fastify/websocket in its
 * own scope (unless an enclosing scope has it), and the auth plugin with
 * `tokens` unless an enclosing scope already decorates `requireRole`.
 */
export const liveFeedRoutes: FastifyPluginAsync<LiveFeedOptions> = async (app, options) => {
  const limits = checkLimits(options);
  if (!app.hasDecorator('requireRole')) await app.register(authPlugin, { tokens: options.tokens });
  const tickets = new LiveTickets({ ttlMs: limits.ticketTtlMs, maxTickets: limits.maxTickets });
  const hub = new LiveHub({ ...limits, source: options.bus });
  const filters = new WeakMap<FastifyRequest, LiveFilter>();
  // Inside the REST API's scope the routes document their errors with its shared schema.
  const withErrors = <S extends object>(schema: S, ...statuses: number[]): S =>
    app.getSchema('ApiError') === undefined ? schema : withErrorResponses(schema, statuses);

  // Added before @fastify/websocket's own preClose, so clients get 1001 rather than its code-less close.
  app.addHook('preClose', async () => {
    await hub.shutdown();
  });
  if (!app.hasPlugin('@fastify/websocket')) {
    await app.register(websocket, {
      options: { maxPayload: limits.maxMessageBytes, perMessageDeflate: false },
      // A browser tab closing mid-frame is routine, not an error of ours; anything else (a bug in the handler) is.
      errorHandler: (error, socket, request) => {
        if (isSocketError(error)) request.log.info({ err: error }, 'live feed connection failed');
        else request.log.error({ err: error }, 'live feed handler failed');
        socket.terminate();
      },
    });
  }

  app.post(
    '/live/ticket',
    {
      schema: withErrors(ticketSchema, 400, 401),
      onRequest: app.requireRole('viewer'),
      // No body is the usual request; the schema then checks it as an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { ticket, expiresAt } = tickets.issue(request.role ?? 'viewer');
      void reply.header('cache-control', 'no-store');
      return { ticket, expiresAt: new Date(expiresAt).toISOString() };
    },
  );

  app.get(
    '/live/stats',
    { schema: withErrors(statsSchema, 401), onRequest: app.requireRole('viewer') },
    async (): Promise<LiveFeedStats> => ({
      connections: hub.connections,
      ...hub.counters,
      ticketsIssued: tickets.issued,
      ticketsOutstanding: tickets.outstanding,
      ticketsRefused: tickets.refused,
    }),
  );

  // A refused upgrade ends its connection (@fastify/websocket destroys the socket): say so, or a keep-alive client reuses a dead socket.
  app.addHook('onSend', async (request, reply) => {
    if (request.ws) void reply.header('connection', 'close');
  });

  app.route<{ Querystring: LiveQuery }>({
    method: 'GET',
    url: '/live',
    schema: withErrors(liveSchema, 400, 401),
    // Runs before the upgrade, so a refusal is a plain HTTP answer. Filters are checked first: a typo does not burn the ticket.
    preHandler: async (request) => {
      if (!request.ws) return;
      const filter = parseQueryFilter(request.query);
      if (!filter.ok) throw new ApiError('VALIDATION_FAILED', filter.message);
      const role = tickets.redeem(request.query.ticket);
      if (!role) throw new ApiError('UNAUTHORIZED', 'a valid, unused live-feed ticket is required (POST /api/live/ticket)');
      request.role = role;
      filters.set(request, filter.filter);
    },
    handler: async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(426).header('upgrade', 'websocket').send({
        statusCode: 426,
        code: 'UPGRADE_REQUIRED',
        message: 'this is a WebSocket endpoint: open it with a ticket from POST /api/live/ticket',
      }),
    wsHandler: (socket: LiveSocket, request: FastifyRequest) => {
      hub.accept(socket, request.role ?? 'viewer', filters.get(request) ?? {});
    },
  });
};

function withErrorResponses<S extends object>(schema: S, statuses: number[]): S {
  const response = 'response' in schema ? (schema.response as object) : {};
  const errors = Object.fromEntries(statuses.map((status) => [status, { $ref: 'ApiError#' }]));
  return { ...schema, response: { ...response, ...errors } };
}

function isSocketError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && (code.startsWith('E') || code.startsWith('WS_ERR_'));
}

function checkLimits(options: LiveFeedOptions): Limits {
  const limits: Limits = { ...LIVE_FEED_DEFAULTS };
  for (const key of Object.keys(LIVE_FEED_DEFAULTS) as (keyof Limits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`liveFeedRoutes: ${key} must be a positive integer (got ${String(value)})`);
    }
    limits[key] = value;
  }
  if (typeof options.bus?.subscribe !== 'function' || typeof options.bus.recent !== 'function') {
    throw new TypeError('liveFeedRoutes: bus must have subscribe(listener) and recent(limit, filter)');
  }
  return limits;
}
