import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { JqlError, parseJql } from './jql.ts';

/**
 * A small stateful Jira Cloud (REST v3) for tests: it keeps the issues it is asked to create,
 * finds them again by JQL, moves them through a three-status workflow, and fails on demand
 * (429 with Retry-After, 503 while "down", any status for the next requests). Requests are
 * checked the way Jira checks them where StackLens depends on it: basic auth, a summary of at
 * most 255 characters on one line, descriptions and comments in Atlassian Document Format,
 * labels without spaces, existing priorities and issue types, required fields.
 *
 *   const jira = await startJiraDouble();          // any e-mail and token are accepted
 *   … configure StackLens with jira.url …
 *   expect(jira.issues).toHaveLength(1);
 *   await jira.close();
 */

export interface JiraDoubleOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** The only accepted e-mail and token; any non-empty pair when absent. */
  credentials?: { email: string; apiToken: string };
  projectKey?: string;
  /** A path prefix in front of the API, as a proxy would add (e.g. `/jira`). */
  basePath?: string;
  issueTypes?: string[];
  priorities?: string[];
  /** Permissions the user holds in the project [BROWSE_PROJECTS, CREATE_ISSUES, TRANSITION_ISSUES, ADD_COMMENTS]. */
  permissions?: string[];
  /** Extra fields the create screen requires (what other tools trip over). */
  requiredFields?: Array<{ fieldId: string; name: string }>;
  /** A created issue stays invisible to search this long (Jira's search is eventually consistent) [0]. */
  searchLagMs?: number;
}

export interface DoubleIssue {
  id: string;
  key: string;
  summary: string;
  description: unknown;
  labels: string[];
  priority?: string;
  issueType: string;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  comments: unknown[];
  /** ms since the epoch. */
  created: number;
}

export interface RecordedRequest {
  method: string;
  /** The path after the base path, without the query. */
  path: string;
  status: number;
  at: number;
}

export interface JiraDouble {
  /** The site URL to configure, base path included. */
  url: string;
  issues: DoubleIssue[];
  requests: RecordedRequest[];
  /** The next `count` requests (to paths containing `pathPart`, when given) answer `status`. */
  failNext(count: number, status: number, options?: { pathPart?: string; retryAfterSeconds?: number }): void;
  /** Every request answers 503 until up(). */
  down(): void;
  up(): void;
  /** Moves an issue as a person would in Jira's UI. */
  move(key: string, status: 'To Do' | 'In Progress' | 'Done'): void;
  /** POST /issue requests that created an issue. */
  created(): number;
  close(): Promise<void>;
}

const STATUSES = {
  'To Do': 'new',
  'In Progress': 'indeterminate',
  Done: 'done',
} as const;
type StatusName = keyof typeof STATUSES;

const ALL_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS'];

interface Failure {
  remaining: number;
  status: number;
  pathPart?: string;
  retryAfterSeconds?: number;
}

export async function startJiraDouble(options: JiraDoubleOptions = {}): Promise<JiraDouble> {
  const projectKey = options.projectKey ?? 'POS';
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const issueTypes = (options.issueTypes ?? ['Bug', 'Task']).map((name, i) => ({ id: String(10_001 + i), name }));
  const priorities = options.priorities ?? ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
  const permissions = new Set(options.permissions ?? ALL_PERMISSIONS);
  const issues: DoubleIssue[] = [];
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  let isDown = false;
  let createdCount = 0;

  const app = Fastify({ logger: false });
  app.addHook('onResponse', async (request, reply) => {
    requests.push({ method: request.method, path: apiPath(request.url, basePath), status: reply.statusCode, at: Date.now() });
  });
  app.addHook('onRequest', async (request, reply) => {
    const path = apiPath(request.url, basePath);
    if (isDown) return reply.code(503).type('text/html').send('<html><body>Service Unavailable</body></html>');
    const failure = failures.find((f) => f.remaining > 0 && (!f.pathPart || path.includes(f.pathPart)));
    if (failure) {
      failure.remaining -= 1;
      if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
      return reply.code(failure.status).send(errorBody(`injected failure ${failure.status}`));
    }
    if (path === '/rest/api/3/serverInfo') return;
    if (!authorized(request.headers.authorization, options.credentials)) {
      return reply.code(401).send(errorBody('You are not authenticated. Authentication required to perform this operation.'));
    }
  });

  const issueByKey = (key: string) => issues.find((issue) => issue.key === key);
  const notFound = (reply: FastifyReply, what: string) =>
    reply.code(404).send(errorBody(`${what} does not exist or you do not have permission to see it.`));

  await app.register(
    async (api) => {
      api.get('/rest/api/3/serverInfo', async () => ({ baseUrl: 'double', version: '1001.0.0', deploymentType: 'Cloud' }));
      api.get('/rest/api/3/myself', async () => ({ accountId: 'double-user', displayName: 'Double User', active: true }));
      api.get<{ Querystring: { projectKey?: string; permissions?: string } }>('/rest/api/3/mypermissions', async (request, reply) => {
        if (!request.query.permissions) return reply.code(400).send(errorBody('The permissions query parameter is required.'));
        if (request.query.projectKey && request.query.projectKey !== projectKey)
          return notFound(reply, `Project ${request.query.projectKey}`);
        const entries = request.query.permissions.split(',').map((key) => [key, { key, havePermission: permissions.has(key) }]);
        return { permissions: Object.fromEntries(entries) };
      });
      api.get<{ Params: { key: string } }>('/rest/api/3/project/:key', async (request, reply) => {
        if (request.params.key !== projectKey)
          return notFound(reply, `No project could be found with key '${request.params.key}'. Project`);
        return { id: '10000', key: projectKey, name: 'Point of Sale' };
      });
      api.get<{ Params: { key: string } }>('/rest/api/3/issue/createmeta/:key/issuetypes', async (request, reply) => {
        if (request.params.key !== projectKey) return notFound(reply, `Project ${request.params.key}`);
        return {
          issueTypes: issueTypes.map((type) => ({ ...type, subtask: false })),
          maxResults: 50,
          startAt: 0,
          total: issueTypes.length,
        };
      });
      api.get<{ Params: { key: string; typeId: string } }>(
        '/rest/api/3/issue/createmeta/:key/issuetypes/:typeId',
        async (request, reply) => {
          if (request.params.key !== projectKey || !issueTypes.some((type) => type.id === request.params.typeId))
            return notFound(reply, 'Issue type');
          const fields = createFields(priorities, options.requiredFields ?? []);
          return { fields, results: fields, maxResults: 50, startAt: 0, total: fields.length };
        },
      );
      api.post<{ Body: { fields?: Record<string, unknown> } }>('/rest/api/3/issue', async (request, reply) => {
        const fields = request.body?.fields ?? {};
        const problems = createProblems(fields, { projectKey, issueTypes, priorities, required: options.requiredFields ?? [] });
        if (Object.keys(problems).length > 0) return reply.code(400).send({ errorMessages: [], errors: problems });
        createdCount += 1;
        const id = String(10_000 + createdCount);
        const key = `${projectKey}-${createdCount}`;
        issues.push({
          id,
          key,
          summary: fields.summary as string,
          description: fields.description,
          labels: (fields.labels as string[] | undefined) ?? [],
          priority: (fields.priority as { name?: string } | undefined)?.name,
          issueType: (fields.issuetype as { name?: string; id?: string }).name ?? String((fields.issuetype as { id?: string }).id),
          status: 'To Do',
          statusCategory: 'new',
          comments: [],
          created: Date.now(),
        });
        return reply.code(201).send({ id, key, self: `${siteOf(request, basePath)}/rest/api/3/issue/${id}` });
      });
      api.get<{ Params: { key: string } }>('/rest/api/3/issue/:key', async (request, reply) => {
        const issue = issueByKey(request.params.key);
        if (!issue) return notFound(reply, 'Issue');
        return issueView(issue);
      });
      api.post<{ Params: { key: string }; Body: { body?: unknown } }>('/rest/api/3/issue/:key/comment', async (request, reply) => {
        const issue = issueByKey(request.params.key);
        if (!issue) return notFound(reply, 'Issue');
        if (!isAdf(request.body?.body))
          return reply.code(400).send({ errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
        issue.comments.push(request.body.body);
        return reply.code(201).send({ id: String(issue.comments.length), body: request.body.body, created: new Date().toISOString() });
      });
      api.get<{ Params: { key: string } }>('/rest/api/3/issue/:key/transitions', async (request, reply) => {
        const issue = issueByKey(request.params.key);
        if (!issue) return notFound(reply, 'Issue');
        const transitions = (Object.keys(STATUSES) as StatusName[])
          .filter((name) => name !== issue.status)
          .map((name, i) => ({ id: String(11 + i), name: `Move to ${name}`, to: { name, statusCategory: { key: STATUSES[name] } } }));
        return { transitions };
      });
      api.post<{ Params: { key: string }; Body: { transition?: { id?: string } } }>(
        '/rest/api/3/issue/:key/transitions',
        async (request, reply) => {
          const issue = issueByKey(request.params.key);
          if (!issue) return notFound(reply, 'Issue');
          const target = (Object.keys(STATUSES) as StatusName[]).filter((name) => name !== issue.status)[
            Number(request.body?.transition?.id) - 11
          ];
          if (!target)
            return reply
              .code(400)
              .send({ errorMessages: ['It seems that you have tried to perform a workflow operation that is not valid.'], errors: {} });
          move(issue, target);
          return reply.code(204).send();
        },
      );
      const search = (jql: string | undefined, maxResults: number | undefined, reply: FastifyReply) => {
        let query;
        try {
          query = parseJql(jql ?? '');
        } catch (error) {
          return reply.code(400).send(errorBody(`Error in the JQL Query: ${(error as JqlError).message}`));
        }
        const now = Date.now();
        const visible = issues.filter((issue) => now - issue.created >= (options.searchLagMs ?? 0));
        const found = visible.filter((issue) => query.matches({ ...issue, project: projectKey }, now));
        if (query.order === 'created DESC') found.reverse();
        return { issues: found.slice(0, maxResults ?? 50).map(issueView), isLast: true };
      };
      api.post<{ Body: { jql?: string; maxResults?: number } }>('/rest/api/3/search/jql', async (request, reply) =>
        search(request.body?.jql, request.body?.maxResults, reply),
      );
      api.get<{ Querystring: { jql?: string; maxResults?: string } }>('/rest/api/3/search/jql', async (request, reply) =>
        search(request.query.jql, request.query.maxResults === undefined ? undefined : Number(request.query.maxResults), reply),
      );
    },
    { prefix: basePath },
  );

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url: `${address}${basePath}`,
    issues,
    requests,
    failNext(count, status, failureOptions = {}) {
      failures.push({ remaining: count, status, ...failureOptions });
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    move(key, status) {
      const issue = issueByKey(key);
      if (!issue) throw new Error(`no issue ${key} in the Jira double`);
      move(issue, status);
    },
    created: () => createdCount,
    close: () => app.close(),
  };
}

function move(issue: DoubleIssue, status: StatusName): void {
  issue.status = status;
  issue.statusCategory = STATUSES[status];
}

function issueView(issue: DoubleIssue) {
  return {
    id: issue.id,
    key: issue.key,
    fields: {
      summary: issue.summary,
      labels: issue.labels,
      status: { name: issue.status, statusCategory: { key: issue.statusCategory } },
      created: new Date(issue.created).toISOString(),
    },
  };
}

function createFields(priorities: string[], required: Array<{ fieldId: string; name: string }>) {
  const field = (fieldId: string, name: string, isRequired: boolean, extra: object = {}) => ({
    fieldId,
    key: fieldId,
    name,
    required: isRequired,
    hasDefaultValue: false,
    operations: ['set'],
    ...extra,
  });
  return [
    field('summary', 'Summary', true),
    field('issuetype', 'Issue Type', true),
    field('project', 'Project', true),
    field('description', 'Description', false),
    field('labels', 'Labels', false),
    field('reporter', 'Reporter', true, { hasDefaultValue: true }),
    field('priority', 'Priority', false, { allowedValues: priorities.map((name, i) => ({ id: String(i + 1), name })) }),
    ...required.map((extra) => field(extra.fieldId, extra.name, true)),
  ];
}

function createProblems(
  fields: Record<string, unknown>,
  known: {
    projectKey: string;
    issueTypes: Array<{ id: string; name: string }>;
    priorities: string[];
    required: Array<{ fieldId: string; name: string }>;
  },
): Record<string, string> {
  const problems: Record<string, string> = {};
  const project = fields.project as { key?: string } | undefined;
  if (project?.key !== known.projectKey) problems.project = 'valid project is required';
  const type = fields.issuetype as { name?: string; id?: string } | undefined;
  if (!known.issueTypes.some((t) => t.name === type?.name || t.id === type?.id)) problems.issuetype = 'Specify a valid issue type';
  const summary = fields.summary;
  if (typeof summary !== 'string' || summary.trim() === '') problems.summary = 'You must specify a summary of the issue.';
  else if (summary.length > 255) problems.summary = 'Summary must be less than 255 characters.';
  else if (/[\r\n]/.test(summary)) problems.summary = 'The summary is invalid because it contains newline characters.';
  if (fields.description !== undefined && !isAdf(fields.description))
    problems.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  if (fields.description !== undefined && JSON.stringify(fields.description).length > 32_767)
    problems.description = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
  const labels = fields.labels;
  if (labels !== undefined && (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string' || /\s/.test(label)))) {
    problems.labels = 'The label must not contain spaces.';
  }
  const priority = fields.priority as { name?: string } | undefined;
  if (priority !== undefined && !known.priorities.includes(priority.name ?? '')) problems.priority = `The priority selected is invalid.`;
  for (const extra of known.required) if (fields[extra.fieldId] === undefined) problems[extra.fieldId] = `${extra.name} is required.`;
  return problems;
}

function isAdf(value: unknown): boolean {
  const doc = value as { type?: unknown; version?: unknown; content?: unknown } | undefined;
  return doc?.type === 'doc' && doc.version === 1 && Array.isArray(doc.content);
}

function authorized(header: string | undefined, credentials: JiraDoubleOptions['credentials']): boolean {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return false;
  if (!credentials) return true;
  return decoded === `${credentials.email}:${credentials.apiToken}`;
}

function errorBody(message: string) {
  return { errorMessages: [message], errors: {} };
}

function apiPath(url: string, basePath: string): string {
  const path = url.split('?')[0]!;
  return path.startsWith(basePath) ? path.slice(basePath.length) : path;
}

function siteOf(request: FastifyRequest, basePath: string): string {
  return `http://${request.headers.host}${basePath}`;
}
