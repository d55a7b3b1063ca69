import { createCloudClient, type CloudClient } from 'jira.js';
import { createClient, type Client } from 'jira.js/core';
import { OutboundPolicy, withGlobalFetch } from '../outbound/index.ts';
import type { TicketStatusCategory } from '../types.ts';
import type { AdfDocument } from './adf.ts';
import type { JiraSettings } from './JiraSettings.ts';
import { JiraTimeoutError } from './jiraFailure.ts';

/** An issue as the ticket stage needs it. */
export interface JiraIssueRef {
  key: string;
  status: string;
  statusCategory: TicketStatusCategory;
  /** ms since the epoch, when Jira said. */
  created?: number;
}

export interface NewIssueFields {
  project: { key: string };
  issuetype: { name: string } | { id: string };
  summary: string;
  description: AdfDocument;
  labels: string[];
  priority?: { name: string };
}

export interface JiraGatewayOptions {
  /** A Jira call that takes longer fails as transient (the outbox retries it) [20 s]. */
  timeoutMs?: number;
  /** Told of a response whose shape differs from jira.js's schema (paths and types only, no values). */
  onSchemaMismatch?: (report: string) => void;
  /** Which addresses the site may be at, and no redirect elsewhere [STACKLENS_ALLOW_PRIVATE_TARGETS of the process]. */
  outbound?: OutboundPolicy;
}

export type Credentials = Pick<JiraSettings, 'baseUrl' | 'email' | 'apiToken'>;

/**
 * The Jira calls StackLens makes, through jira.js's cloud client (REST v3, basic auth with
 * e-mail and API token). jira.js does not retry and has no time-out of its own: both are
 * decided here and in the outbox. Failures are jira.js's typed errors (see classifyJiraError).
 */
export class JiraGateway {
  readonly site: string;
  readonly #jira: CloudClient;

  constructor(credentials: Credentials, options: JiraGatewayOptions = {}) {
    this.site = credentials.baseUrl.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? 20_000;
    const outbound = options.outbound ?? OutboundPolicy.fromEnv();
    const base = createClient({
      host: this.site,
      auth: { type: 'basic', email: credentials.email, apiToken: credentials.apiToken },
      onSchemaMismatch: (report) =>
        options.onSchemaMismatch?.(
          `${report.endpoint}: ${report.issues.map((i) => `${i.path || '(root)'} expected ${i.expected}`).join(', ')}`,
        ),
    });
    const timed: Client = {
      sendRequest: (request) =>
        withTimeout(
          withGlobalFetch(outbound.fetch, () => base.sendRequest(request)),
          timeoutMs,
          `${request.method ?? 'GET'} ${request.url}`,
        ),
    };
    this.#jira = createCloudClient(timed);
  }

  async createIssue(fields: NewIssueFields): Promise<{ key: string; id: string }> {
    const created = await this.#jira.issues.createIssue({ fields });
    if (typeof created?.key !== 'string') throw new Error('Jira created an issue but its answer carried no key');
    return { key: created.key, id: String(created.id ?? '') };
  }

  async addComment(key: string, body: AdfDocument): Promise<void> {
    await this.#jira.issueComments.addComment({ issueIdOrKey: key, body });
  }

  /** Issues matching the JQL, newest first as the JQL orders them. */
  async search(jql: string, maxResults = 50): Promise<JiraIssueRef[]> {
    const page = await this.#jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql,
      maxResults,
      fields: ['status', 'created'],
    });
    return (page.issues ?? []).flatMap((issue) => (typeof issue.key === 'string' ? [issueRef(issue.key, issue.fields)] : []));
  }

  async issue(key: string): Promise<JiraIssueRef> {
    const issue = await this.#jira.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'created'] });
    return issueRef(issue.key ?? key, issue.fields);
  }

  /**
   * Moves the issue to a status of the first wanted category a transition leads to.
   * Undefined when the workflow offers no such transition from where the issue is.
   */
  async transitionTo(key: string, wanted: ReadonlyArray<TicketStatusCategory>): Promise<JiraIssueRef | undefined> {
    const { transitions = [] } = await this.#jira.issues.getTransitions({ issueIdOrKey: key });
    for (const category of wanted) {
      const transition = transitions.find((t) => t.id && statusCategoryOf(t.to?.statusCategory?.key) === category);
      if (transition?.id) {
        await this.#jira.issues.doTransition({ issueIdOrKey: key, transition: { id: transition.id } });
        return { key, status: transition.to?.name ?? '', statusCategory: category };
      }
    }
    return undefined;
  }

  // The reads of the connection test.

  async myself(): Promise<{ accountId: string; displayName: string }> {
    const user = await this.#jira.myself.getCurrentUser();
    return { accountId: String(user.accountId ?? ''), displayName: String(user.displayName ?? '') };
  }

  /** The permissions asked for that the user lacks in the project. */
  async missingPermissions(projectKey: string, keys: ReadonlyArray<string>): Promise<string[]> {
    const { permissions = {} } = await this.#jira.permissions.getMyPermissions({ projectKey, permissions: keys.join(',') });
    return keys.filter((key) => (permissions[key] as { havePermission?: boolean } | undefined)?.havePermission !== true);
  }

  async project(key: string): Promise<{ id: string; key: string; name: string }> {
    const project = await this.#jira.projects.getProject({ projectIdOrKey: key });
    return { id: String(project.id ?? ''), key: String(project.key ?? key), name: String(project.name ?? '') };
  }

  async issueTypes(projectKey: string): Promise<Array<{ id: string; name: string }>> {
    const page = await this.#jira.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: projectKey, maxResults: 200 });
    return (page.issueTypes ?? page.createMetaIssueType ?? []).map((type) => ({
      id: String(type.id ?? ''),
      name: String(type.name ?? ''),
    }));
  }

  async createFields(projectKey: string, issueTypeId: string): Promise<CreateField[]> {
    const page = await this.#jira.issues.getCreateIssueMetaIssueTypeId({ projectIdOrKey: projectKey, issueTypeId, maxResults: 200 });
    return (page.fields ?? page.results ?? []).map((field) => ({
      fieldId: field.fieldId,
      name: field.name,
      required: field.required,
      hasDefaultValue: field.hasDefaultValue === true,
      allowedValues: (field.allowedValues ?? []).map((value) => {
        const named = value as { name?: unknown; value?: unknown };
        return String(named.name ?? named.value ?? '');
      }),
    }));
  }
}

export interface CreateField {
  fieldId: string;
  name: string;
  required: boolean;
  hasDefaultValue: boolean;
  /** Names of the allowed values (priorities, options…). */
  allowedValues: string[];
}

export function statusCategoryOf(key: unknown): TicketStatusCategory {
  return key === 'new' || key === 'indeterminate' || key === 'done' ? key : 'unknown';
}

function issueRef(key: string, fields: unknown): JiraIssueRef {
  const { status, created } = (fields ?? {}) as { status?: { name?: unknown; statusCategory?: { key?: unknown } }; created?: unknown };
  const createdMs = typeof created === 'string' ? Date.parse(created) : Number.NaN;
  return {
    key,
    status: typeof status?.name === 'string' ? status.name : '',
    statusCategory: statusCategoryOf(status?.statusCategory?.key),
    ...(Number.isFinite(createdMs) ? { created: createdMs } : {}),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JiraTimeoutError(`Jira did not answer ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
