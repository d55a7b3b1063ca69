import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraDouble, type JiraDouble, type JiraDoubleOptions } from '@stacklens/test-support/jira';
import { testConnection } from '../../src/ticket/connectionTest.ts';
import { jiraSettings } from './support/memoryStores.ts';

let jira: JiraDouble | undefined;
afterEach(async () => {
  await jira?.close();
  jira = undefined;
});

async function test(options: JiraDoubleOptions, overrides: Parameters<typeof jiraSettings>[0] = {}) {
  jira = await startJiraDouble({ credentials: { email: 'bot@example.com', apiToken: 'secret-token-value' }, ...options });
  return testConnection(jiraSettings({ baseUrl: jira.url, ...overrides }), { timeoutMs: 5_000 });
}

const byName = (result: Awaited<ReturnType<typeof testConnection>>) =>
  Object.fromEntries(result.checks.map((check) => [check.name, check]));

describe('testConnection', () => {
  it('passes every check against a well configured project', async () => {
    const result = await test({});
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => [check.name, check.ok])).toEqual([
      ['credentials', true],
      ['project', true],
      ['permissions', true],
      ['issueType', true],
      ['fields', true],
    ]);
    expect(result.message).toBe(`Connected to ${jira!.url}: tickets can be filed in POS as Bug.`);
    expect(byName(result).credentials!.message).toBe('signed in as Double User');
  });

  it('says the token was refused, and skips the rest', async () => {
    const result = await test({}, { apiToken: 'wrong-token' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^Jira refused the e-mail and API token \(401\): check that the token is valid/);
    expect(result.message).toContain('bot@example.com');
    expect(result.message).not.toContain('wrong-token');
    expect(byName(result).fields!.message).toBe('not checked: an earlier check failed');
  });

  it('names an unknown project, missing permissions, an unknown issue type', async () => {
    expect((await test({}, { projectKey: 'NOPE' })).message).toBe(
      'project NOPE does not exist or bot@example.com cannot browse it: check the project key',
    );
    await jira!.close();
    const permissions = await test({ permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES'] });
    expect(permissions.message).toBe(
      'bot@example.com lacks TRANSITION_ISSUES, ADD_COMMENTS in POS: ask a Jira admin to grant them (project settings → permissions)',
    );
    await jira!.close();
    const type = await test({ issueTypes: ['Task', 'Story'] });
    expect(type.message).toBe('issue type "Bug" is not available in POS; available: Task, Story');
    expect(byName(type).fields!.ok).toBe(false);
  });

  it('finds a required field left unfilled and a priority the project lacks', async () => {
    const required = await test({ requiredFields: [{ fieldId: 'components', name: 'Component/s' }] });
    expect(required.message).toBe(
      'required fields StackLens does not fill: Component/s (components); make them optional or give them a default for Bug in POS',
    );
    await jira!.close();
    const priority = await test({ priorities: ['High', 'Medium', 'Low'] });
    expect(priority.message).toBe('priorities Highest do not exist in POS (it has High, Medium, Low): change the priority map');
    await jira!.close();
    expect((await test({ priorities: ['High'] }, { priorityMap: {} })).ok).toBe(true);
  });

  it('says a host cannot be reached, or is not Jira', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const refused = await testConnection(jiraSettings({ baseUrl: `http://127.0.0.1:${port}` }));
    expect(refused.message).toBe(
      `Jira could not be reached: connection refused (http://127.0.0.1:${port}/rest/api/3/myself): check the site URL and that this receiver can reach it (DNS, proxy, firewall)`,
    );
    const wrongPrefix = await test({ basePath: '/jira' }, {});
    expect(wrongPrefix.ok).toBe(true);
    const missingPrefix = await testConnection(jiraSettings({ baseUrl: jira!.url.replace('/jira', '') }));
    expect(missingPrefix.message).toMatch(/^no Jira REST API at http:\/\/127\.0\.0\.1:\d+\/rest\/api\/3 \(404\)/);
  });
});
