import { SEVERITIES } from '@stacklens/processor';

/** JSON schemas of the Jira routes: the contract and the OpenAPI document. */

/**
 * An http(s) URL with a host name (ASCII: IDNs as punycode; the last label starting with a letter)
 * or an IPv4 address, an optional port and path, nothing else — what the URL parser and jira.js take.
 */
export const URL_PATTERN =
  "^https?://(([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$";

const priorityMap = {
  type: 'object',
  additionalProperties: false,
  description: 'Jira priority name per severity; a severity left out gets the project default.',
  properties: Object.fromEntries(SEVERITIES.map((severity) => [severity, { type: 'string', minLength: 1, maxLength: 100 }])),
} as const;

const configProperties = {
  baseUrl: {
    type: 'string',
    // A host name (ASCII: IDNs as punycode), an IPv4 or a bracketed IPv6 address, a port, a path of URL characters;
    // no user:password@ (the token has its own write-only field), no query or fragment — what jira.js accepts.
    pattern: URL_PATTERN,
    errorMessage: { pattern: 'must be the Jira site URL, like https://your-domain.atlassian.net, without a user, query or fragment' },
    maxLength: 500,
    description: 'The Jira site URL, e.g. https://your-domain.atlassian.net; a path prefix (proxy) is kept. No credentials in it.',
  },
  email: {
    type: 'string',
    // The e-mail shape jira.js checks (zod's), so an address the schema lets through is one the client takes.
    pattern: "^(?!\\.)(?!.*\\.\\.)[A-Za-z0-9_'+.-]*[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\\.)+[A-Za-z]{2,}$",
    errorMessage: { pattern: 'must be an e-mail address, like bot@example.com' },
    maxLength: 254,
    description: "The Jira account's e-mail.",
  },
  apiToken: {
    type: 'string',
    minLength: 1,
    maxLength: 1024,
    writeOnly: true,
    description: 'Write-only. Optional when one is saved and the site and e-mail stay the same.',
  },
  projectKey: {
    type: 'string',
    pattern: '^[A-Z][A-Z0-9_]{0,19}$',
    errorMessage: { pattern: 'must look like POS: a capital letter, then up to 19 capitals, digits or _' },
    description: 'The Jira project key, e.g. POS.',
  },
  issueType: { type: 'string', minLength: 1, maxLength: 100, description: 'The issue type name, e.g. Bug.' },
  enabled: { type: 'boolean', description: 'false: nothing goes to Jira.' },
  autoCreate: { type: 'boolean', description: "Tickets for incidents whose rule's policy is auto." },
  priorityMap,
  labels: {
    type: 'array',
    maxItems: 20,
    items: { type: 'string', pattern: '^\\S{1,255}$', errorMessage: { pattern: 'must be a label of 1 to 255 characters without spaces' } },
    description: 'Added to every ticket besides stacklens, the error type and the fingerprint label.',
  },
  linkTemplate: {
    type: 'string',
    maxLength: 2000,
    pattern: '^(https?://\\S+)?$',
    errorMessage: {
      pattern: "must be an http(s) URL, like https://grafana.example.com/a/stacklens-stacklens-app/incident?id={incidentId}, or ''",
    },
    description: 'The incident page in Grafana; {incidentId} and {fingerprint} are replaced. Empty: no link.',
  },
  onRegression: {
    type: 'string',
    enum: ['reopen', 'new'],
    description: 'A resolved incident that fires again: reopen its Done ticket, or file a new one.',
  },
  commentIntervalMinutes: {
    type: 'integer',
    minimum: 1,
    maximum: 1440,
    description: 'Recurrence comments at most this often (sooner when the count doubles).',
  },
  webhookSecret: {
    type: 'string',
    pattern: '^(.{16,})?$',
    maxLength: 256,
    writeOnly: true,
    description: "Write-only: the webhook's shared secret (16+ characters); '' removes it.",
  },
} as const;

export const configInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'email', 'projectKey', 'issueType', 'enabled', 'autoCreate'],
  properties: configProperties,
} as const;

/** A test may name any part of a configuration; the rest comes from the saved one. */
export const testInputSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: configProperties,
} as const;

export const configViewSchema = {
  type: 'object',
  required: [
    'configured',
    'source',
    'baseUrl',
    'email',
    'projectKey',
    'issueType',
    'enabled',
    'autoCreate',
    'priorityMap',
    'labels',
    'linkTemplate',
    'onRegression',
    'commentIntervalMinutes',
    'apiTokenSet',
    'webhookSecretSet',
    'lastTestedAt',
    'testStatus',
    'testError',
  ],
  properties: {
    configured: { type: 'boolean' },
    source: {
      type: 'string',
      enum: ['api', 'environment', 'none'],
      description: 'Saved through this API, from JIRA_* variables, or none.',
    },
    baseUrl: { type: 'string' },
    email: { type: 'string' },
    projectKey: { type: 'string' },
    issueType: { type: 'string' },
    enabled: { type: 'boolean' },
    autoCreate: { type: 'boolean' },
    priorityMap: { type: 'object', additionalProperties: { type: 'string' } },
    labels: { type: 'array', items: { type: 'string' } },
    linkTemplate: { type: ['string', 'null'] },
    onRegression: { type: 'string', enum: ['reopen', 'new'] },
    commentIntervalMinutes: { type: 'integer' },
    apiTokenSet: { type: 'boolean', description: 'The token itself is never returned.' },
    webhookSecretSet: { type: 'boolean' },
    lastTestedAt: { type: ['string', 'null'], format: 'date-time' },
    testStatus: { type: 'string', enum: ['ok', 'failed', 'untested'] },
    testError: { type: ['string', 'null'] },
  },
} as const;

export const testResultSchema = {
  type: 'object',
  required: ['ok', 'message', 'checks', 'testedAt'],
  properties: {
    ok: { type: 'boolean' },
    message: { type: 'string', description: 'The first problem found, worded for the admin to act on, or what works.' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ok', 'message'],
        properties: {
          name: { type: 'string', enum: ['credentials', 'project', 'permissions', 'issueType', 'fields'] },
          ok: { type: 'boolean' },
          message: { type: 'string' },
        },
      },
    },
    testedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const job = {
  type: 'object',
  required: ['id', 'kind', 'incidentId', 'state', 'attempts', 'nextAttemptAt', 'lastError', 'createdAt'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['create', 'comment', 'reopen'] },
    incidentId: { type: 'string' },
    state: {
      type: 'string',
      enum: ['pending', 'running', 'waiting', 'done', 'failed'],
      description:
        'waiting: Jira refused it for a reason the settings cure; queued again when they change, or by POST /integrations/jira/retry.',
    },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    lastError: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const jobSchema = job;

export const statusSchema = {
  type: 'object',
  required: ['configured', 'enabled', 'autoCreate', 'worker', 'queue', 'failures', 'waiting', 'links', 'poll'],
  properties: {
    configured: { type: 'boolean' },
    enabled: { type: 'boolean' },
    autoCreate: { type: 'boolean' },
    worker: {
      type: 'object',
      required: ['active', 'pausedUntil', 'jobsDone', 'jobsFailed', 'jobsWaiting', 'jobsRequeued', 'retries', 'lastError'],
      properties: {
        active: { type: 'boolean', description: 'This receiver works the outbox now (it holds the lease).' },
        pausedUntil: { type: ['string', 'null'], format: 'date-time', description: 'Jira rate-limited the calls until then.' },
        jobsDone: { type: 'integer' },
        jobsFailed: { type: 'integer' },
        jobsWaiting: { type: 'integer', description: 'Jobs this receiver set waiting for a settings fix since it started.' },
        jobsRequeued: { type: 'integer', description: 'Waiting jobs this receiver queued again (settings changed, or a retry).' },
        retries: { type: 'integer' },
        lastError: {
          type: ['object', 'null'],
          required: ['message', 'at', 'jobId'],
          properties: { message: { type: 'string' }, at: { type: 'string', format: 'date-time' }, jobId: { type: 'string' } },
        },
      },
    },
    queue: {
      type: 'object',
      required: ['pending', 'running', 'waiting', 'done', 'failed', 'nextAttemptAt'],
      properties: {
        pending: { type: 'integer' },
        running: { type: 'integer' },
        waiting: { type: 'integer', description: 'Jobs waiting for the Jira settings to be fixed (see waiting).' },
        done: { type: 'integer' },
        failed: { type: 'integer' },
        nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    failures: { type: 'array', description: 'The latest failed jobs, newest first.', items: job },
    waiting: {
      type: 'array',
      description: 'The oldest jobs waiting for a settings fix (up to 10): lastError says what Jira answered and what to fix.',
      items: job,
    },
    links: { type: 'integer', description: 'Incidents linked to a Jira issue.' },
    poll: {
      type: 'object',
      required: ['intervalSeconds', 'lastPollAt', 'lastError'],
      properties: {
        intervalSeconds: { type: 'integer' },
        lastPollAt: { type: ['string', 'null'], format: 'date-time' },
        lastError: { type: ['string', 'null'] },
      },
    },
  },
} as const;

export const retryResultSchema = {
  type: 'object',
  required: ['requeued'],
  properties: { requeued: { type: 'integer', description: 'Waiting jobs queued again.' } },
} as const;
