import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.ts';
import { readJiraEnv } from '../../src/ticket/jiraEnv.ts';

const full = {
  JIRA_BASE_URL: 'https://proxy.example.com/jira/',
  JIRA_EMAIL: 'bot@example.com',
  JIRA_API_TOKEN: 'token',
  JIRA_PROJECT_KEY: 'POS',
};

describe('JIRA_* variables', () => {
  it('configure Jira when the four needed ones are set, with the conventional defaults', () => {
    expect(readJiraEnv(full)).toEqual({
      pollIntervalMs: 60_000,
      webhookSecret: undefined,
      settings: {
        baseUrl: 'https://proxy.example.com/jira',
        email: 'bot@example.com',
        apiToken: 'token',
        projectKey: 'POS',
        issueType: 'Bug',
        enabled: true,
        autoCreate: false,
        priorityMap: { CRITICAL: 'Highest', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' },
        labels: [],
        linkTemplate: undefined,
        onRegression: 'reopen',
        commentIntervalMinutes: 15,
      },
    });
    const tuned = readJiraEnv({
      ...full,
      JIRA_ISSUE_TYPE: 'Task',
      JIRA_AUTO_CREATE: 'true',
      JIRA_ON_REGRESSION: 'new',
      JIRA_LINK_TEMPLATE: 'https://g/{incidentId}',
      JIRA_POLL_SECONDS: '0',
      JIRA_WEBHOOK_SECRET: 'a-secret-of-16-chars',
    });
    expect(tuned).toMatchObject({
      pollIntervalMs: 0,
      webhookSecret: 'a-secret-of-16-chars',
      settings: { issueType: 'Task', autoCreate: true, onRegression: 'new', linkTemplate: 'https://g/{incidentId}' },
    });
  });

  it('leave Jira unconfigured when none is set, and name the missing ones when only some are', () => {
    expect(readJiraEnv({})).toEqual({ pollIntervalMs: 60_000, webhookSecret: undefined });
    expect(readJiraEnv({ JIRA_BASE_URL: full.JIRA_BASE_URL, JIRA_EMAIL: full.JIRA_EMAIL })).toMatchObject({
      incomplete: ['JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'],
    });
  });

  it('refuse values that cannot be right, saying what is expected', () => {
    const refused = (env: Record<string, string>) => () => readJiraEnv({ ...full, ...env });
    expect(refused({ JIRA_BASE_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(refused({ JIRA_BASE_URL: 'https://user:pass@x.atlassian.net' })).toThrow(/without credentials or query/);
    expect(refused({ JIRA_PROJECT_KEY: 'pos' })).toThrow('JIRA_PROJECT_KEY="pos": expected a Jira project key such as POS');
    expect(refused({ JIRA_AUTO_CREATE: 'yes' })).toThrow('JIRA_AUTO_CREATE="yes": expected true or false');
    expect(refused({ JIRA_ON_REGRESSION: 'ignore' })).toThrow('JIRA_ON_REGRESSION="ignore": expected reopen or new');
    expect(refused({ JIRA_POLL_SECONDS: '-1' })).toThrow('JIRA_POLL_SECONDS="-1": expected an integer from 0 to 86400');
    expect(refused({ JIRA_WEBHOOK_SECRET: 'short' })).toThrow('JIRA_WEBHOOK_SECRET must be at least 16 characters');
  });
});
