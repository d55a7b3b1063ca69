import { testConnection, type OutboxJob, type Ticketing } from '@stacklens/processor/ticket';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { BEARER, emptyBody, errorResponses } from '../http/schemas.ts';
import type { ClickHouseLinkStore } from './ClickHouseLinkStore.ts';
import type { ClickHouseOutboxStore } from './ClickHouseOutboxStore.ts';
import { JiraConfigError, type JiraConfigInput, type JiraConfigStore } from './JiraConfigStore.ts';
import { configInputSchema, configViewSchema, retryResultSchema, statusSchema, testInputSchema, testResultSchema } from './jiraSchemas.ts';
import type { OutboundPolicy } from '@stacklens/processor/outbound';
import { clientConfigSchema } from 'jira.js/core';

export interface JiraRouteOptions {
  config: JiraConfigStore;
  ticketing: Ticketing;
  outbox: ClickHouseOutboxStore;
  links: ClickHouseLinkStore;
  pollIntervalMs: number;
  /** Time-out of the connection test's Jira calls. */
  testTimeoutMs: number;
  /** Which site URLs may be called (no private addresses unless allowed). */
  outbound: OutboundPolicy;
}

const TAGS = ['jira'];
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * GET/PUT/DELETE /integrations/jira, POST /integrations/jira/test, GET /integrations/jira/status,
 * POST /integrations/jira/retry (admin token).
 */
export const jiraRoutes: FastifyPluginAsync<JiraRouteOptions> = async (app, options) => {
  const { config, ticketing } = options;
  const admin = app.requireRole('admin');

  app.get(
    '/integrations/jira',
    {
      schema: {
        summary: 'The Jira configuration (the API token is never returned: apiTokenSet says whether one is saved)',
        tags: TAGS,
        security: BEARER,
        response: { 200: configViewSchema, ...errorResponses(401, 403, 503) },
      },
      onRequest: admin,
    },
    async () => config.view(),
  );

  app.put<{ Body: JiraConfigInput }>(
    '/integrations/jira',
    {
      schema: {
        summary: 'Save the Jira configuration (shared by every receiver on the store; the token is sealed with AES-256-GCM)',
        description: 'apiToken may be left out to keep the saved one, as long as baseUrl and email stay the same.',
        tags: TAGS,
        security: BEARER,
        body: configInputSchema,
        response: { 200: configViewSchema, ...errorResponses(400, 401, 403, 409, 503) },
      },
      onRequest: admin,
    },
    async (request) => {
      checkWebhookSecret(request.body.webhookSecret);
      checkTarget(options.outbound, request.body.baseUrl);
      checkJiraAccepts({ apiToken: 'kept', ...request.body });
      await config.save(request.body).catch(asApiError);
      return config.view();
    },
  );

  app.delete(
    '/integrations/jira',
    {
      schema: {
        summary: 'Remove the saved Jira configuration (JIRA_* variables apply again, if set)',
        tags: TAGS,
        security: BEARER,
        response: { 204: { type: 'null', description: 'Removed' }, ...errorResponses(401, 403, 503) },
      },
      onRequest: admin,
    },
    async (_request, reply) => {
      await config.remove();
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Partial<JiraConfigInput> | null }>(
    '/integrations/jira/test',
    {
      schema: {
        summary: 'Test a Jira configuration: credentials, project, permissions, issue type, required fields and priorities',
        description:
          'Without a body the saved configuration is tested and the result saved (lastTestedAt, testStatus, testError). ' +
          'With a body, those settings (over the saved ones) are tested and nothing is saved.',
        tags: TAGS,
        security: BEARER,
        body: testInputSchema,
        response: { 200: testResultSchema, ...errorResponses(400, 401, 403, 409, 503) },
      },
      onRequest: admin,
    },
    async (request) => {
      const candidate = request.body && Object.keys(request.body).length > 0 ? request.body : undefined;
      if (!candidate && !config.current()) {
        throw new ApiError(
          'CONFLICT',
          'Jira is not configured: save a configuration with PUT /api/integrations/jira, or send the settings to test',
        );
      }
      const settings = candidate ? resolveOrRefuse(config, candidate) : config.current()!;
      checkTarget(options.outbound, settings.baseUrl);
      checkJiraAccepts(settings);
      const result = await testConnection(settings, { timeoutMs: options.testTimeoutMs, outbound: options.outbound });
      if (!candidate) await config.recordTest(result);
      return { ...result, testedAt: new Date(result.testedAt).toISOString() };
    },
  );

  app.get(
    '/integrations/jira/status',
    {
      schema: {
        summary: "The outbox: queued, done and failed Jira jobs, this receiver's worker and the status poll",
        tags: TAGS,
        security: BEARER,
        response: { 200: statusSchema, ...errorResponses(401, 403, 503) },
      },
      onRequest: admin,
    },
    async () => {
      const [queue, failures, waiting, links] = await Promise.all([
        options.outbox.counts(),
        options.outbox.failures(10),
        options.outbox.waiting(10),
        options.links.count(),
      ]);
      const worker = ticketing.worker.status();
      const settings = config.current();
      return {
        configured: settings !== undefined,
        enabled: settings?.enabled ?? false,
        autoCreate: settings?.autoCreate ?? false,
        worker: {
          ...worker,
          pausedUntil: worker.pausedUntil !== undefined && worker.pausedUntil > Date.now() ? iso(worker.pausedUntil) : null,
          lastError: worker.lastError ? { ...worker.lastError, at: iso(worker.lastError.at) } : null,
        },
        queue: { ...queue, nextAttemptAt: iso(queue.nextAttemptAt) },
        failures: failures.map(jobView),
        waiting: waiting.map(jobView),
        links,
        poll: {
          intervalSeconds: Math.round(options.pollIntervalMs / 1000),
          lastPollAt: iso(ticketing.sync.lastPollAt),
          lastError: ticketing.sync.lastPollError ?? null,
        },
      };
    },
  );

  app.post<{ Body: Record<string, never> | null }>(
    '/integrations/jira/retry',
    {
      schema: {
        summary: 'Queue again the Jira jobs waiting for a fix (after one made in Jira itself: a permission, a required field)',
        description:
          'Jobs Jira refused for a reason the settings cure (401, 403, 404, project, issue type, priority, a required field) wait. ' +
          'Saving new settings queues them again by itself; this does it without a change, e.g. after a permission was granted in Jira. ' +
          'A job whose ticket was filed meanwhile links it instead of filing another.',
        tags: TAGS,
        security: BEARER,
        body: emptyBody,
        response: { 200: retryResultSchema, ...errorResponses(400, 401, 403, 503) },
      },
      onRequest: admin,
    },
    async () => ({ requeued: await ticketing.worker.retryWaiting() }),
  );
};

export function jobView(job: OutboxJob) {
  return {
    id: job.id,
    kind: job.kind,
    incidentId: job.incidentId,
    state: job.state,
    attempts: job.attempts,
    nextAttemptAt: new Date(job.nextAttemptAt).toISOString(),
    lastError: job.lastError,
    createdAt: new Date(job.createdAt).toISOString(),
  };
}

function resolveOrRefuse(config: JiraConfigStore, input: Partial<JiraConfigInput>) {
  try {
    return config.resolve(input).settings;
  } catch (error) {
    return asApiError(error);
  }
}

function asApiError(error: unknown): never {
  // A token the request leaves out while none is saved for that site: the request is well-formed, the state says no.
  if (error instanceof JiraConfigError) throw new ApiError('CONFLICT', error.message);
  throw error;
}

/**
 * jira.js checks its settings (the site URL, the e-mail) before any call and throws otherwise: the
 * same check, with jira.js's own schema, answers 400 rather than failing the call with 500.
 */
function checkJiraAccepts(settings: { baseUrl: string; email: string; apiToken: string }): void {
  const parsed = clientConfigSchema.safeParse({
    host: settings.baseUrl,
    auth: { type: 'basic', email: settings.email, apiToken: settings.apiToken },
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.').replace('auth.', '').replace('host', 'baseUrl')}: ${issue.message}`,
    );
    throw new ApiError('VALIDATION_FAILED', `Jira cannot use these settings: ${problems.join('; ')}`);
  }
}

/** A site at a private address is refused before anything is saved or sent (unless STACKLENS_ALLOW_PRIVATE_TARGETS=true). */
function checkTarget(outbound: OutboundPolicy, baseUrl: string | undefined): void {
  if (baseUrl === undefined) return;
  try {
    outbound.check(baseUrl);
  } catch (error) {
    throw new ApiError('VALIDATION_FAILED', `body.baseUrl: ${(error as Error).message}`);
  }
}

function checkWebhookSecret(secret: string | undefined): void {
  if (secret !== undefined && secret !== '' && secret.length < 16) {
    throw new ApiError('VALIDATION_FAILED', "body.webhookSecret must be at least 16 characters ('' removes it)");
  }
}
