import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrismJira, type PrismServer } from '@stacklens/test-support/prism';
import { JiraGateway } from '../../src/ticket/JiraGateway.ts';
import { recurrenceComment } from '../../src/ticket/recurrenceComment.ts';
import { ticketFields } from '../../src/ticket/ticketFields.ts';
import { fingerprintQuery } from '../../src/ticket/JobRunner.ts';
import { classifyJiraError } from '../../src/ticket/jiraFailure.ts';
import { incident } from './support/incidents.ts';
import { jiraSettings } from './support/memoryStores.ts';

/**
 * Every call the ticket stage makes, against Atlassian's own contract: prism validates each
 * request against jira-platform-v3.json and refuses what the spec refuses.
 */
let prism: PrismServer;
let jira: JiraGateway;
const mismatches: string[] = [];

beforeAll(async () => {
  prism = await startPrismJira();
  jira = new JiraGateway(jiraSettings({ baseUrl: prism.url }), {
    timeoutMs: 20_000,
    onSchemaMismatch: (report) => mismatches.push(report),
  });
}, 120_000);

afterAll(async () => {
  await prism?.close();
});

describe('Jira calls against the REST v3 specification (prism, request validation on)', () => {
  it('create issue with an ADF description, labels and priority', async () => {
    const created = await jira.createIssue(ticketFields(incident(), jiraSettings({ linkTemplate: 'http://g/{incidentId}' })));
    expect(typeof created.key).toBe('string');
  });

  it('search by JQL (POST /search/jql, not the removed /search), comment, transitions, issue', async () => {
    await expect(jira.search(fingerprintQuery('POS', 'f00dfeedcafe0001', 5), 1)).resolves.toBeInstanceOf(Array);
    await expect(jira.search('key in ("POS-1", "POS-2")', 50)).resolves.toBeInstanceOf(Array);
    await expect(jira.addComment('POS-1', recurrenceComment(incident(), 'recurrence', 3))).resolves.toBeUndefined();
    await expect(jira.issue('POS-1')).resolves.toHaveProperty('key');
    await jira.transitionTo('POS-1', ['new', 'indeterminate']);
  });

  it('the connection test reads: myself, mypermissions, project, create metadata', async () => {
    await expect(jira.myself()).resolves.toHaveProperty('accountId');
    await expect(jira.missingPermissions('POS', ['BROWSE_PROJECTS', 'CREATE_ISSUES'])).resolves.toBeInstanceOf(Array);
    await expect(jira.project('POS')).resolves.toHaveProperty('key');
    await expect(jira.issueTypes('POS')).resolves.toBeInstanceOf(Array);
    await expect(jira.createFields('POS', '10001')).resolves.toBeInstanceOf(Array);
  });

  it('refuses what the contract refuses (the peer really validates)', async () => {
    const badFields = { ...ticketFields(incident(), jiraSettings()), labels: 'not-an-array' as unknown as string[] };
    const error = await jira.createIssue(badFields).catch((e: unknown) => e);
    expect(classifyJiraError(error)).toMatchObject({ kind: 'permanent' });
    const anonymous = await fetch(`${prism.url}/rest/api/3/myself`);
    expect(anonymous.status).toBe(401);
    expect(prism.violations().length).toBeGreaterThan(0);
  });
});
