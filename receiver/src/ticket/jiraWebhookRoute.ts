import { createHmac, timingSafeEqual } from 'node:crypto';
import { statusCategoryOf, type TicketStatusSync } from '@stacklens/processor/ticket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { errorResponses } from '../http/schemas.ts';

export interface JiraWebhookOptions {
  sync: TicketStatusSync;
  /** The shared secret; undefined turns the webhook off. */
  secret: () => string | undefined;
}

interface WebhookBody {
  webhookEvent?: string;
  issue?: { key?: string; fields?: { status?: { name?: string; statusCategory?: { key?: string } } } };
}

/**
 * POST /integrations/jira/webhook: Jira tells of an issue change. No bearer token (Jira cannot
 * send one): the request proves the shared secret either as Jira Cloud's own signature,
 * `X-Hub-Signature: sha256=<HMAC of the body>`, or as `?secret=` for senders that can only set
 * a URL. A linked issue's new status is recorded; Done resolves its incident.
 */
export const jiraWebhookRoute: FastifyPluginAsync<JiraWebhookOptions> = async (app, { sync, secret }) => {
  // The signature is over the exact bytes: this scope keeps them beside the parsed body.
  const rawBodies = new WeakMap<FastifyRequest, string>();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    rawBodies.set(request, body as string);
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(new ApiError('VALIDATION_FAILED', 'the body is not valid JSON'), undefined);
    }
  });

  app.post<{ Body: WebhookBody; Querystring: { secret?: string } }>(
    '/integrations/jira/webhook',
    {
      schema: {
        summary: "Jira's issue events (status changes of linked tickets)",
        description:
          'Authenticated by the shared secret (JIRA_WEBHOOK_SECRET or webhookSecret): an X-Hub-Signature HMAC-SHA256 of the body, or ?secret=.',
        tags: ['jira'],
        security: [],
        querystring: { type: 'object', additionalProperties: false, properties: { secret: { type: 'string', maxLength: 256 } } },
        // Jira's payload is large and evolves: only the parts read here are described.
        body: { type: 'object', additionalProperties: true, properties: { webhookEvent: { type: 'string' }, issue: { type: 'object' } } },
        response: {
          200: {
            type: 'object',
            required: ['applied'],
            properties: { applied: { type: 'boolean', description: 'A linked ticket changed status.' } },
          },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const expected = secret();
      if (!expected)
        throw new ApiError('NOT_FOUND', 'the Jira webhook is off: set JIRA_WEBHOOK_SECRET or webhookSecret in the Jira configuration');
      if (!authentic(request.headers['x-hub-signature'], request.query.secret, rawBodies.get(request) ?? '', expected)) {
        throw new ApiError('UNAUTHORIZED', 'the webhook signature or secret does not match');
      }
      const { issue } = request.body;
      const status = issue?.fields?.status;
      if (!issue?.key || !status?.name) return { applied: false };
      const changed = await sync.apply(issue.key, status.name, statusCategoryOf(status.statusCategory?.key));
      return { applied: changed !== undefined };
    },
  );
};

function authentic(signature: string | string[] | undefined, querySecret: string | undefined, body: string, secret: string): boolean {
  if (typeof signature === 'string' && signature.startsWith('sha256=')) {
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    return same(signature.slice('sha256='.length), expected);
  }
  return querySecret !== undefined && same(querySecret, secret);
}

// Compared as digests: constant time whatever the lengths.
function same(a: string, b: string): boolean {
  const digest = (value: string) => createHmac('sha256', 'stacklens-compare').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
