import { isApiError, isNetworkError, isRateLimitError, isServerError } from 'jira.js';
import { cut } from './adf.ts';

/**
 * What a failed Jira call means for the outbox: wait as Jira said (429), try again later
 * (5xx, network, time-out), or give up with Jira's own words (any other 4xx).
 */
export type JiraFailureKind = 'rate-limit' | 'transient' | 'permanent';

export interface JiraFailure {
  kind: JiraFailureKind;
  /** For a person: Jira's error text or the network error, never a credential. */
  message: string;
  status?: number;
  /** From Retry-After, for a 429 that carried one. */
  retryAfterMs?: number;
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
    return { kind: 'permanent', status: error.status, message: `Jira answered ${error.status} ${error.statusText}${jiraText(error.body)}` };
  }
  if (isNetworkError(error)) {
    return { kind: 'transient', message: `Jira could not be reached: ${networkReason(error)}` };
  }
  if (error instanceof JiraTimeoutError || error instanceof IncidentNotStoredError) return { kind: 'transient', message: error.message };
  return { kind: 'permanent', message: `the Jira call failed: ${error instanceof Error ? error.message : String(error)}` };
}

/** `: Field 'priority' cannot be set…` from Jira's `{ errorMessages, errors }`, or its raw text. */
export function jiraText(body: unknown): string {
  let parts: string[] = [];
  if (typeof body === 'string') {
    parts = [
      body
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ];
  } else if (body !== null && typeof body === 'object') {
    const { errorMessages, errors, message } = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    if (Array.isArray(errorMessages)) parts.push(...errorMessages.filter((m): m is string => typeof m === 'string'));
    if (errors !== null && typeof errors === 'object') {
      for (const [field, why] of Object.entries(errors as Record<string, unknown>)) parts.push(`${field}: ${String(why)}`);
    }
    if (typeof message === 'string') parts.push(message);
  }
  const joined = parts.filter((part) => part !== '').join('; ');
  return joined === '' ? '' : `: ${cut(joined, 1_000)}`;
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
