import { isApiError, isAuthError, isForbiddenError, isNotFoundError } from 'jira.js';
import { classifyJiraError } from './jiraFailure.ts';
import { JiraGateway, type CreateField, type JiraGatewayOptions } from './JiraGateway.ts';
import type { JiraSettings } from './JiraSettings.ts';

export type ConnectionCheckName = 'credentials' | 'project' | 'permissions' | 'issueType' | 'fields';

export interface ConnectionCheck {
  name: ConnectionCheckName;
  ok: boolean;
  /** What was found, or what to do about it. */
  message: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** The first problem, or what works: for the admin to act on. */
  message: string;
  checks: ConnectionCheck[];
  /** ms since the epoch. */
  testedAt: number;
}

/** The project permissions the ticket stage uses. */
export const REQUIRED_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS'] as const;

/** Fields the ticket stage fills itself on create (reporter defaults to the caller). */
const FILLED_FIELDS = new Set(['summary', 'description', 'issuetype', 'project', 'labels', 'priority', 'reporter']);

type TestSettings = Pick<JiraSettings, 'baseUrl' | 'email' | 'apiToken' | 'projectKey' | 'issueType' | 'priorityMap'>;

/**
 * Checks a Jira configuration the way the ticket stage will use it: the credentials (`myself`;
 * `serverInfo` answers anyone and proves nothing), the project, the user's permissions in it,
 * the issue type, and from create metadata that the mapped priorities exist and no required
 * field is left unfilled. Each check says what to do when it fails; later checks that depend
 * on a failed one are skipped.
 */
export async function testConnection(
  settings: TestSettings,
  options: JiraGatewayOptions = {},
  now: () => number = Date.now,
): Promise<ConnectionTestResult> {
  const jira = new JiraGateway(settings, options);
  const checks: ConnectionCheck[] = [];
  const run = async (name: ConnectionCheckName, check: () => Promise<string>, explain: (error: unknown) => string): Promise<boolean> => {
    try {
      checks.push({ name, ok: true, message: await check() });
      return true;
    } catch (error) {
      checks.push({ name, ok: false, message: explain(error) });
      return false;
    }
  };
  const skip = (...names: ConnectionCheckName[]) => {
    for (const name of names) checks.push({ name, ok: false, message: 'not checked: an earlier check failed' });
  };

  const site = jira.site;
  const project = settings.projectKey;
  let issueTypeId = '';
  if (
    !(await run(
      'credentials',
      async () => `signed in as ${(await jira.myself()).displayName || settings.email}`,
      (e) => credentialsProblem(e, site, settings.email),
    ))
  ) {
    skip('project', 'permissions', 'issueType', 'fields');
  } else if (
    !(await run(
      'project',
      async () => projectFound(await jira.project(project)),
      (e) => projectProblem(e, project, settings.email),
    ))
  ) {
    skip('permissions', 'issueType', 'fields');
  } else {
    await run(
      'permissions',
      async () => permissionsHeld(await jira.missingPermissions(project, REQUIRED_PERMISSIONS), project, settings.email),
      otherProblem,
    );
    const typed = await run(
      'issueType',
      async () => {
        const types = await jira.issueTypes(project);
        const found = types.find((type) => type.name.toLowerCase() === settings.issueType.toLowerCase());
        if (!found)
          throw new CheckFailed(
            `issue type "${settings.issueType}" is not available in ${project}; available: ${types.map((t) => t.name).join(', ') || 'none'}`,
          );
        issueTypeId = found.id;
        return `issue type ${found.name} (id ${found.id})`;
      },
      otherProblem,
    );
    if (typed) await run('fields', async () => fieldsUsable(await jira.createFields(project, issueTypeId), settings), otherProblem);
    else skip('fields');
  }
  const failed = checks.find((check) => !check.ok);
  return {
    ok: failed === undefined,
    message: failed ? failed.message : `Connected to ${site}: tickets can be filed in ${project} as ${settings.issueType}.`,
    checks,
    testedAt: now(),
  };
}

class CheckFailed extends Error {}

function credentialsProblem(error: unknown, site: string, email: string): string {
  if (isAuthError(error)) {
    return `Jira refused the e-mail and API token (401): check that the token is valid (id.atlassian.com → Security → API tokens) and belongs to ${email}`;
  }
  if (isForbiddenError(error)) {
    return `Jira refused ${email} (403): the account may have to log in once in a browser (CAPTCHA) or has no Jira access`;
  }
  if (isNotFoundError(error)) {
    return `no Jira REST API at ${site}/rest/api/3 (404): is the site URL right, e.g. https://your-domain.atlassian.net, with its path prefix behind a proxy?`;
  }
  const failure = classifyJiraError(error);
  if (!isApiError(error) && failure.kind === 'transient') {
    return `${failure.message}: check the site URL and that this receiver can reach it (DNS, proxy, firewall)`;
  }
  return failure.message;
}

function projectProblem(error: unknown, project: string, email: string): string {
  if (isNotFoundError(error)) return `project ${project} does not exist or ${email} cannot browse it: check the project key`;
  return otherProblem(error);
}

function otherProblem(error: unknown): string {
  return error instanceof CheckFailed ? error.message : classifyJiraError(error).message;
}

function projectFound(project: { key: string; name: string }): string {
  return `project ${project.key}${project.name ? ` (${project.name})` : ''}`;
}

function permissionsHeld(missing: string[], project: string, email: string): string {
  if (missing.length > 0) {
    throw new CheckFailed(
      `${email} lacks ${missing.join(', ')} in ${project}: ask a Jira admin to grant them (project settings → permissions)`,
    );
  }
  return `${REQUIRED_PERMISSIONS.join(', ')} granted`;
}

function fieldsUsable(fields: CreateField[], settings: TestSettings): string {
  const byId = new Map(fields.map((field) => [field.fieldId, field]));
  const unfilled = fields.filter((field) => field.required && !field.hasDefaultValue && !FILLED_FIELDS.has(field.fieldId));
  if (unfilled.length > 0) {
    throw new CheckFailed(
      `required fields StackLens does not fill: ${unfilled.map((f) => `${f.name} (${f.fieldId})`).join(', ')}; make them optional or give them a default for ${settings.issueType} in ${settings.projectKey}`,
    );
  }
  for (const fieldId of ['summary', 'description', 'labels']) {
    if (!byId.has(fieldId))
      throw new CheckFailed(`the ${fieldId} field is not on the create screen of ${settings.issueType} in ${settings.projectKey}: add it`);
  }
  const wanted = [...new Set(Object.values(settings.priorityMap).filter((name): name is string => Boolean(name)))];
  if (wanted.length === 0) return 'every required field is filled; no priority is set';
  const priority = byId.get('priority');
  if (!priority) {
    throw new CheckFailed(
      `the priority field is not on the create screen of ${settings.issueType} in ${settings.projectKey}: add it, or clear the priority map`,
    );
  }
  const unknown = wanted.filter((name) => !priority.allowedValues.some((value) => value.toLowerCase() === name.toLowerCase()));
  if (unknown.length > 0) {
    throw new CheckFailed(
      `priorities ${unknown.join(', ')} do not exist in ${settings.projectKey} (it has ${priority.allowedValues.join(', ') || 'none'}): change the priority map`,
    );
  }
  return `every required field is filled; priorities ${wanted.join(', ')} exist`;
}
