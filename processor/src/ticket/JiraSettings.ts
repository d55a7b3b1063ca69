import { createHash } from 'node:crypto';
import type { Severity } from '../types.ts';

/** What a regression of a resolved incident does to its Done ticket. */
export type RegressionPolicy = 'reopen' | 'new';

/**
 * The Jira integration's configuration as the ticket stage uses it: saved through the API
 * (shared by every receiver on the store) or read from JIRA_* variables.
 */
export interface JiraSettings {
  /** The site URL, path prefix kept (a proxy in front of Jira), no trailing slash. */
  baseUrl: string;
  email: string;
  apiToken: string;
  projectKey: string;
  /** The issue type's name, e.g. Bug. */
  issueType: string;
  /** false: nothing goes to Jira, not even manual tickets. */
  enabled: boolean;
  /** false: only manual tickets (POST /api/incidents/:id/jira). */
  autoCreate: boolean;
  /** Jira priority name per severity; a severity left out gets the project's default priority. */
  priorityMap: Partial<Record<Severity, string>>;
  /** Labels added to every ticket, besides `stacklens`, the error type and the fingerprint label. */
  labels: string[];
  /** The incident's page, `{incidentId}` and `{fingerprint}` replaced; no link when absent. */
  linkTemplate?: string;
  onRegression: RegressionPolicy;
  /** Recurrence comments on one ticket at most this often, unless the count doubled. */
  commentIntervalMinutes: number;
}

export const DEFAULT_PRIORITY_MAP: Readonly<Record<Severity, string>> = {
  CRITICAL: 'Highest',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
};

export const DEFAULT_ISSUE_TYPE = 'Bug';
export const DEFAULT_COMMENT_INTERVAL_MINUTES = 15;

/** Where the stage reads the current settings: they may change at any time through the API. */
export interface JiraSettingsSource {
  /** undefined while Jira is not configured. */
  current(): JiraSettings | undefined;
}

/** The incident's page in the UI, when a link template is set. */
export function incidentLink(settings: Pick<JiraSettings, 'linkTemplate'>, incidentId: string, fingerprint: string): string | undefined {
  if (!settings.linkTemplate) return undefined;
  return settings.linkTemplate
    .replaceAll('{incidentId}', encodeURIComponent(incidentId))
    .replaceAll('{fingerprint}', encodeURIComponent(fingerprint));
}

/** The issue's page in Jira's web UI, on the configured site (its path prefix kept). */
export function browseUrl(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
}

/**
 * A digest of the settings a Jira call depends on: a job that waits for a fix remembers the
 * digest it failed under, and any change (a new token, project, issue type, …) queues it again.
 * The token enters only through the hash, never stored as such.
 */
export function settingsDigest(settings: JiraSettings): string {
  const { baseUrl, email, apiToken, projectKey, issueType, priorityMap, labels, enabled } = settings;
  return createHash('sha256')
    .update(JSON.stringify([baseUrl, email, apiToken, projectKey, issueType, priorityMap, labels, enabled]))
    .digest('hex')
    .slice(0, 16);
}
