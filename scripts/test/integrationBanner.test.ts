import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminToken, describeAi, describeJira, integrationLines } from '../lib/integrationBanner.ts';

const jira = {
  configured: true,
  source: 'environment',
  baseUrl: 'https://example.atlassian.net',
  projectKey: 'POS',
  issueType: 'Bug',
  enabled: true,
  autoCreate: true,
  testStatus: 'ok',
};

describe('the start banner lines', () => {
  it('say how Jira is set up, and what a failed connection test means', () => {
    expect(describeJira(jira)).toBe(
      "https://example.atlassian.net, project POS (Bug), from JIRA_* variables; tickets filed automatically by each rule's policy",
    );
    expect(describeJira({ ...jira, enabled: false })).toMatch(/; disabled \(nothing goes to Jira\)$/);
    expect(describeJira({ ...jira, testStatus: 'failed' })).toMatch(
      /the last connection test FAILED: POST \/api\/integrations\/jira\/test/,
    );
  });

  it('say which analyser answers', () => {
    const ai = { provider: 'openai' as const, baseUrl: null, model: 'gpt-4o-mini', apiKeySet: true, source: 'api' };
    expect(describeAi(ai)).toBe('the model gpt-4o-mini at OpenAI (saved through the API); in GET /api/incidents/:id');
    expect(describeAi({ ...ai, baseUrl: 'http://127.0.0.1:11434/v1', source: 'environment' })).toMatch(
      /at http:\/\/127\.0\.0\.1:11434\/v1 \(from OPENAI_\* variables\)/,
    );
    expect(describeAi({ ...ai, apiKeySet: false })).toMatch(/^offline analyser: the model gpt-4o-mini is set .* but has no key/);
  });

  it('read the admin token from the environment, else from the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacklens-tokens-'));
    try {
      expect(adminToken({ STACKLENS_ADMIN_TOKEN: 'from-env' }, dir)).toBe('from-env');
      expect(adminToken({}, dir)).toBeUndefined();
      writeFileSync(join(dir, 'api-tokens.json'), JSON.stringify({ viewer: 'v', admin: 'from-file' }));
      expect(adminToken({}, dir)).toBe('from-file');
      writeFileSync(join(dir, 'api-tokens.json'), '{ not json');
      expect(adminToken({}, dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('say unknown when the receiver cannot be asked', async () => {
    const lines = await integrationLines('http://127.0.0.1:1', 'token');
    expect(lines.jira).toMatch(/^unknown: GET \/api\/integrations\/jira failed/);
  });
});
