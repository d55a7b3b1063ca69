import { createHmac, timingSafeEqual } from 'node:crypto';
import { statusCategoryOf, type TicketStatusSync } from '@stacklens/processor/ticket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { errorResponses } from '../http/schemas.ts';
import { WebhookReplayGuard } from './WebhookReplayGuard.ts';

export interface JiraWebhookOptions {
  sync: TicketStatusSync;
  /** The shared secret; undefined turns the webhook off. */
  secret: () => string | undefined;
  /** Signed events remembered against replays, and how old an event may be [10 minutes]. */
  replay?: WebhookReplayGuard;
}

interface WebhookBody {
  timestamp: number;
  webhookEvent?: string;
  issue?: { key?: string; fields?: { status?: { name?: string; statusCategory?: { key?: string } } } };
}

/**
 * Jira's issue events are small: an issue's status with its fields. Beyond this the body is
 * refused (413) unread — Content-Length says so first, a chunked body is cut there — and a
 * status the webhook misses is read back by the status poll anyway.
 */
export const MAX_WEBHOOK_BODY_BYTES = 16 * 1024;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * POST /integrations/jira/webhook: Jira tells of an issue change. No bearer token (Jira cannot
 * send one): the request proves the shared secret with Jira's own signature,
 * `X-Hub-Signature: sha256=<HMAC-SHA256 of the body>`. Before any of the body is read, a request
 * is refused while the webhook is off (404) and without a well-formed signature (401); the
 * body is then read up to 16 KiB, its signature checked, and each signed event accepted once
 * and only within 10 minutes of its own `timestamp` (409 otherwise). `?secret=` is no longer
 * accepted: a secret in a URL ends up in proxies' and servers' logs, and proves nothing about the
 * body. A linked issue's new status is recorded; Done resolves its incident.
 */
export const jiraWebhookRoute: FastifyPluginAsync<JiraWebhookOptions> = async (app, { sync, secret, replay }) => {
  const guard = replay ?? new WebhookReplayGuard();
  // The signature is over the exact bytes: this scope keeps them beside the parsed body.
  const rawBodies = new WeakMap<FastifyRequest, string>();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_WEBHOOK_BODY_BYTES }, (request, body, done) => {
    rawBodies.set(request, body as string);
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(new ApiError('VALIDATION_FAILED', 'the body is not valid JSON'), undefined);
    }
  });

  app.post<{ Body: WebhookBody }>(
    '/integrations/jira/webhook',
    {
      bodyLimit: MAX_WEBHOOK_BODY_BYTES,
      schema: {
        summary: "Jira's issue events (status changes of linked tickets)",
        description:
          'Authenticated by the shared secret (JIRA_WEBHOOK_SECRET or webhookSecret): an X-Hub-Signature HMAC-SHA256 of the body, ' +
          'as Jira sends it once the webhook has a secret. Each event is accepted once, within 10 minutes of its timestamp. ' +
          `Bodies up to ${MAX_WEBHOOK_BODY_BYTES} bytes.`,
        tags: ['jira'],
        security: [],
        headers: {
          type: 'object',
          required: ['x-hub-signature'],
          properties: { 'x-hub-signature': { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' } },
        },
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        // Jira's payload is large and evolves: only the parts read here are described.
        body: {
          type: 'object',
          additionalProperties: true,
          required: ['timestamp'],
          properties: {
            timestamp: { type: 'integer', description: 'When Jira sent the event, in ms since the epoch.' },
            webhookEvent: { type: 'string' },
            issue: { type: 'object' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['applied'],
            properties: { applied: { type: 'boolean', description: 'A linked ticket changed status.' } },
          },
          ...errorResponses(400, 401, 404, 409, 413),
        },
      },
      // Before the body is read: nothing is parsed for a caller that cannot be Jira.
      onRequest: async (request) => {
        if ('secret' in (request.query as object)) {
          throw new ApiError(
            'UNAUTHORIZED',
            '?secret= is not accepted: give the secret to Jira’s webhook instead, which then signs each event (X-Hub-Signature)',
          );
        }
        const signature = request.headers['x-hub-signature'];
        if (typeof signature !== 'string' || !SIGNATURE.test(signature)) {
          throw new ApiError('UNAUTHORIZED', 'an X-Hub-Signature: sha256=<HMAC-SHA256 of the body> header is required');
        }
        if (!secret())
          throw new ApiError('NOT_FOUND', 'the Jira webhook is off: set JIRA_WEBHOOK_SECRET or webhookSecret in the Jira configuration');
      },
      preValidation: async (request) => {
        const signature = SIGNATURE.exec(request.headers['x-hub-signature'] as string)![1]!.toLowerCase();
        const expected = createHmac('sha256', secret() ?? '')
          .update(rawBodies.get(request) ?? '')
          .digest('hex');
        if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
          throw new ApiError('UNAUTHORIZED', 'the webhook signature does not match the body and secret');
        }
      },
    },
    async (request) => {
      const signature = (request.headers['x-hub-signature'] as string).toLowerCase();
      const refused = guard.claim(signature, request.body.timestamp);
      if (refused) throw new ApiError('CONFLICT', refused);
      try {
        const { issue } = request.body;
        const status = issue?.fields?.status;
        if (!issue?.key || !status?.name) return { applied: false };
        const changed = await sync.apply(issue.key, status.name, statusCategoryOf(status.statusCategory?.key));
        return { applied: changed !== undefined };
      } catch (error) {
        // Not applied: Jira's retry of this event must get through.
        guard.release(signature);
        throw error;
      }
    },
  );
};
