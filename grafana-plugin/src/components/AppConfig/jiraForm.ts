import { SEVERITIES, type JiraSettingsInput, type JiraSettingsView, type Severity } from '../../types.ts';

/** The Jira form's fields as typed (strings and flags); the token field is empty unless the admin typed one. */
export interface JiraFormValues {
  baseUrl: string;
  email: string;
  apiToken: string;
  /** The receiver holds a token and the admin has not reset it. */
  apiTokenSet: boolean;
  projectKey: string;
  issueType: string;
  priorityMap: Record<Severity, string>;
  labels: string[];
  enabled: boolean;
  autoCreate: boolean;
}

export type JiraFormErrors = Partial<Record<'baseUrl' | 'email' | 'apiToken' | 'projectKey' | 'issueType' | 'labels', string>>;

export const DEFAULT_PRIORITIES: Record<Severity, string> = { CRITICAL: 'Highest', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

export function formFromSettings(view: JiraSettingsView | null): JiraFormValues {
  // A receiver without a configuration answers with empty fields (configured: false): the form's defaults apply.
  const settings = view && view.configured !== false ? view : null;
  return {
    baseUrl: settings?.baseUrl ?? '',
    email: settings?.email ?? '',
    apiToken: '',
    apiTokenSet: view?.apiTokenSet ?? false,
    projectKey: settings?.projectKey ?? '',
    issueType: settings?.issueType || 'Bug',
    priorityMap: { ...DEFAULT_PRIORITIES, ...(settings?.priorityMap ?? {}) },
    labels: settings?.labels ?? [],
    enabled: settings?.enabled ?? true,
    autoCreate: settings?.autoCreate ?? false,
  };
}

/** Every problem of the form, in words a person can act on. */
export function validateJiraForm(values: JiraFormValues): JiraFormErrors {
  const errors: JiraFormErrors = {};
  try {
    const url = new URL(values.baseUrl.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') errors.baseUrl = 'Use the site’s https:// address';
  } catch {
    errors.baseUrl =
      values.baseUrl.trim() === ''
        ? 'Required: your Jira site, e.g. https://your-team.atlassian.net'
        : 'Not a URL, e.g. https://your-team.atlassian.net';
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))
    errors.email = 'The e-mail address of the Atlassian account the token belongs to';
  if (!values.apiTokenSet && values.apiToken.trim() === '')
    errors.apiToken = 'Required: an API token from id.atlassian.com › Security › API tokens';
  if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(values.projectKey.trim()))
    errors.projectKey = 'A project key is 2–10 capital letters, digits or _, starting with a letter (e.g. POS)';
  if (values.issueType.trim() === '') errors.issueType = 'Required, e.g. Bug or Task';
  const badLabel = values.labels.find((label) => /\s/.test(label));
  if (badLabel !== undefined) errors.labels = `Jira labels cannot contain spaces: "${badLabel}"`;
  return errors;
}

/** The PUT body: the token only when the admin typed a new one, so an untouched secret is never resent. */
export function settingsFromForm(values: JiraFormValues): JiraSettingsInput {
  const input: JiraSettingsInput = {
    baseUrl: values.baseUrl.trim().replace(/\/+$/, ''),
    email: values.email.trim(),
    projectKey: values.projectKey.trim(),
    issueType: values.issueType.trim(),
    enabled: values.enabled,
    autoCreate: values.autoCreate,
    priorityMap: Object.fromEntries(
      SEVERITIES.map((severity) => [severity, values.priorityMap[severity].trim()]).filter(([, name]) => name !== ''),
    ),
    labels: values.labels,
  };
  if (values.apiToken.trim() !== '') input.apiToken = values.apiToken.trim();
  return input;
}
