import {
  DEFAULT_COMMENT_INTERVAL_MINUTES,
  DEFAULT_ISSUE_TYPE,
  DEFAULT_PRIORITY_MAP,
  type JiraSettings,
  type RegressionPolicy,
} from '@stacklens/processor/ticket';
import { ConfigError, integer, trueFalse, type Env } from '../config.ts';

/** What the environment says about Jira (JIRA_*): the settings when the four needed variables are set, and the integration's own knobs. */
export interface JiraEnv {
  settings?: JiraSettings;
  /** JIRA_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** JIRA_POLL_SECONDS × 1000 [60 s]; 0: no polling. */
  pollIntervalMs: number;
  /** Names of the JIRA_* variables given while some needed ones are missing (the settings are then unused). */
  incomplete?: string[];
}

const NEEDED = ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'] as const;

/** @throws ConfigError for a JIRA_* value that cannot be right. */
export function readJiraEnv(env: Env): JiraEnv {
  const pollSeconds = integer(env, 'JIRA_POLL_SECONDS', 60, 0, 86_400);
  const webhookSecret = env.JIRA_WEBHOOK_SECRET || undefined;
  if (webhookSecret !== undefined && webhookSecret.length < 16) throw new ConfigError('JIRA_WEBHOOK_SECRET must be at least 16 characters');
  const given = NEEDED.filter((name) => env[name]);
  const result: JiraEnv = { pollIntervalMs: pollSeconds * 1000, webhookSecret };
  if (given.length === 0) return result;
  if (given.length < NEEDED.length) return { ...result, incomplete: NEEDED.filter((name) => !env[name]) };
  const baseUrl = siteUrl(env.JIRA_BASE_URL!, 'JIRA_BASE_URL');
  const projectKey = env.JIRA_PROJECT_KEY!;
  if (!PROJECT_KEY.test(projectKey))
    throw new ConfigError(`JIRA_PROJECT_KEY=${JSON.stringify(projectKey)}: expected a Jira project key such as POS`);
  return {
    ...result,
    settings: {
      baseUrl,
      email: env.JIRA_EMAIL!,
      apiToken: env.JIRA_API_TOKEN!,
      projectKey,
      issueType: env.JIRA_ISSUE_TYPE || DEFAULT_ISSUE_TYPE,
      enabled: true,
      autoCreate: trueFalse(env, 'JIRA_AUTO_CREATE', false),
      priorityMap: { ...DEFAULT_PRIORITY_MAP },
      labels: [],
      linkTemplate: env.JIRA_LINK_TEMPLATE || undefined,
      onRegression: regression(env),
      commentIntervalMinutes: DEFAULT_COMMENT_INTERVAL_MINUTES,
    },
  };
}

export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,19}$/;

/** The site URL as given, path prefix kept, trailing slashes dropped. */
export function siteUrl(raw: string, name: string): string {
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '') {
      return raw.replace(/\/+$/, '');
    }
  } catch {
    // refused below
  }
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected the Jira site's http:// or https:// URL, without credentials or query`);
}

function regression(env: Env): RegressionPolicy {
  const raw = env.JIRA_ON_REGRESSION || 'reopen';
  if (raw === 'reopen' || raw === 'new') return raw;
  throw new ConfigError(`JIRA_ON_REGRESSION=${JSON.stringify(raw)}: expected reopen or new`);
}
