import { isApiError, isNetworkError, isRateLimitError, isServerError } from 'jira.js';
import { outboundRefusal, peerText } from '../outbound/index.ts';

/**
 * What a failed Jira call means for the outbox: wait as Jira said (429), try again later
 * (5xx, network, time-out), wait for a person to fix the settings (401, 403, 404, a 400 about
 * the project, the issue type or a required field), or give up with Jira's own words (any
 * other 4xx).
 */
export type JiraFailureKind = 'rate-limit' | 'transient' | 'configuration' | 'permanent';

export interface JiraFailure {
  kind: JiraFailureKind;
  /** For a person: Jira's error text or the network error, never a credential. */
  message: string;
  status?: number;
  /** From Retry-After, for a 429 that carried one. */
  retryAfterMs?: number;
  /** For a configuration failure: what a person changes so the job can go through. */
  fix?: string;
}

export class JiraTimeoutError extends Error {
  override name = 'JiraTimeoutError';
}

/**
 * The job's incident is not in the store yet: incidents are written once a second while the
 * job is saved at once, so after a crash in between the incident comes back only with its next
 * occurrence. Retried like a network error, until the outbox gives up on the job.
 */
export class IncidentNotStoredError extends Error {
  override name = 'IncidentNotStoredError';
}

export function classifyJiraError(error: unknown): JiraFailure {
  const refused = outboundRefusal(error);
  if (refused) return { kind: 'permanent', message: `the Jira call was not made: ${refused.message}` };
  if (isRateLimitError(error)) {
    return {
      kind: 'rate-limit',
      status: 429,
      retryAfterMs: error.retryAfterMs,
      message: `Jira rate-limited the call (429)${jiraText(error.body)}`,
    };
  }
  if (isServerError(error)) {
    return { kind: 'transient', status: error.status, message: `Jira answered ${error.status} ${error.statusText}${jiraText(error.body)}` };
  }
  if (isApiError(error)) {
    const message = `Jira answered ${error.status} ${error.statusText}${jiraText(error.body)}`;
    const fix = configurationFix(error.status, error.body);
    return fix ? { kind: 'configuration', status: error.status, message, fix } : { kind: 'permanent', status: error.status, message };
  }
  if (isNetworkError(error)) {
    return { kind: 'transient', message: `Jira could not be reached: ${networkReason(error)}` };
  }
  if (error instanceof JiraTimeoutError || error instanceof IncidentNotStoredError) return { kind: 'transient', message: error.message };
  return { kind: 'permanent', message: `the Jira call failed: ${error instanceof Error ? error.message : String(error)}` };
}

const SETTINGS = "the plugin's configuration page or PUT /api/integrations/jira";

/**
 * What to fix when Jira refused the call because of how StackLens is set up, not because of the
 * job: undefined for a refusal the settings cannot cure. Jira Cloud's answers (REST v3): 401 for
 * a wrong or revoked token, 403 for a missing project permission, 404 for a project or issue the
 * user cannot see, 400 with `errors.project`, `errors.issuetype` or "… is required" on create.
 */
export function configurationFix(status: number, body: unknown): string | undefined {
  if (status === 401) return `the Jira e-mail or API token is wrong or revoked: save a new token (${SETTINGS})`;
  if (status === 403) {
    return `the Jira user lacks a permission in the project (Browse projects, Create issues, Add comments, Transition issues): grant it in Jira, then retry (POST /api/integrations/jira/retry)`;
  }
  if (status === 404) return `Jira has no such project or issue for this user: check the site URL and project key (${SETTINGS})`;
  if (status !== 400 || body === null || typeof body !== 'object') return undefined;
  const { errors, errorMessages } = body as { errors?: unknown; errorMessages?: unknown };
  const fields = errors !== null && typeof errors === 'object' ? (errors as Record<string, unknown>) : {};
  if ('project' in fields) return `Jira has no such project: check the project key (${SETTINGS})`;
  if ('issuetype' in fields) return `the project has no such issue type: choose one it offers (${SETTINGS})`;
  const texts = [...Object.values(fields), ...(Array.isArray(errorMessages) ? errorMessages : [])].map(String);
  const required = Object.keys(fields).filter((field) => /is required/i.test(String(fields[field])));
  if (required.length > 0 || texts.some((text) => /is required/i.test(text))) {
    return `the project's create screen requires ${required.length > 0 ? required.join(', ') : 'a field'} that StackLens does not set: make it optional in Jira or give it a default, then retry (POST /api/integrations/jira/retry)`;
  }
  if ('priority' in fields) return `the project has no such priority: correct the priority map (${SETTINGS})`;
  return undefined;
}

/**
 * `: Field 'priority' cannot be set…` from Jira's `{ errorMessages, errors }`, or its raw text:
 * redacted and cut (peerText), since the site is whatever URL an admin typed in.
 */
export function jiraText(body: unknown): string {
  let parts: string[] = [];
  if (typeof body === 'string') {
    parts = [body];
  } else if (body !== null && typeof body === 'object') {
    const { errorMessages, errors, message } = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    if (Array.isArray(errorMessages)) parts.push(...errorMessages.filter((m): m is string => typeof m === 'string'));
    if (errors !== null && typeof errors === 'object') {
      for (const [field, why] of Object.entries(errors as Record<string, unknown>)) parts.push(`${field}: ${String(why)}`);
    }
    if (typeof message === 'string') parts.push(message);
  }
  const joined = parts.filter((part) => part !== '').join('; ');
  const text = peerText(joined);
  return text === '' ? '' : `: ${text}`;
}

function networkReason(error: Error & { code?: string }): string {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'name lookup failed',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset',
  };
  const reason = error.code ? (codes[error.code] ?? error.code) : 'network error';
  // jira.js names the URL it tried; it carries no credential (those travel in a header).
  const url = /Request to (\S+) failed/.exec(error.message)?.[1];
  return url ? `${reason} (${url.split('?')[0]})` : reason;
}
