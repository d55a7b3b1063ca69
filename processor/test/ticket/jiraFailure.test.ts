import { NetworkError, RateLimitError, ServerError, ApiError } from 'jira.js';
import { describe, expect, it } from 'vitest';
import { OutboundRefusedError } from '../../src/outbound/index.ts';
import { classifyJiraError, jiraText, JiraTimeoutError } from '../../src/ticket/jiraFailure.ts';

describe('classifyJiraError', () => {
  it('waits on 429 for Retry-After, retries 5xx, network errors and time-outs, gives up on other 4xx', () => {
    expect(classifyJiraError(new RateLimitError('x', 'Too Many Requests', {}, { retryAfterMs: 2_000 }))).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 2_000,
      status: 429,
    });
    expect(classifyJiraError(new ServerError('x', 502, 'Bad Gateway', '<html><b>upstream</b> down</html>'))).toEqual({
      kind: 'transient',
      status: 502,
      message: 'Jira answered 502 Bad Gateway: upstream down',
    });
    expect(
      classifyJiraError(
        new NetworkError('Request to https://x.atlassian.net/rest/api/3/issue?a=1 failed: fetch failed (ENOTFOUND)', {
          cause: null,
          code: 'ENOTFOUND',
          transient: true,
        }),
      ),
    ).toEqual({
      kind: 'transient',
      message: 'Jira could not be reached: host not found (https://x.atlassian.net/rest/api/3/issue)',
    });
    expect(classifyJiraError(new JiraTimeoutError('slow'))).toEqual({ kind: 'transient', message: 'slow' });
    expect(classifyJiraError(new ApiError('x', 400, 'Bad Request', { errorMessages: ['one'], errors: { summary: 'too long' } }))).toEqual({
      kind: 'permanent',
      status: 400,
      message: 'Jira answered 400 Bad Request: one; summary: too long',
    });
    expect(classifyJiraError(new TypeError('bug'))).toEqual({ kind: 'permanent', message: 'the Jira call failed: bug' });
  });

  it('sets apart the refusals the settings cure, saying what to fix', () => {
    const fixOf = (status: number, body: unknown) => classifyJiraError(new ApiError('x', status, 'Refused', body));
    expect(fixOf(401, {})).toMatchObject({
      kind: 'configuration',
      status: 401,
      fix: expect.stringMatching(/API token is wrong or revoked/),
    });
    expect(fixOf(403, {})).toMatchObject({
      kind: 'configuration',
      fix: expect.stringMatching(/lacks a permission.*POST \/api\/integrations\/jira\/retry/),
    });
    expect(fixOf(404, {})).toMatchObject({ kind: 'configuration', fix: expect.stringMatching(/no such project or issue/) });
    expect(fixOf(400, { errors: { project: 'project is required' } }).fix).toMatch(/no such project: check the project key/);
    expect(fixOf(400, { errors: { issuetype: 'valid issue type is required' } }).fix).toMatch(/no such issue type/);
    expect(fixOf(400, { errors: { customfield_1: 'Team is required.' } }).fix).toMatch(
      /requires customfield_1 that StackLens does not set/,
    );
    expect(fixOf(400, { errorMessages: ['Field Team is required'] }).fix).toMatch(/requires a field/);
    expect(fixOf(400, { errors: { priority: 'invalid' } }).fix).toMatch(/correct the priority map/);
    expect(fixOf(400, 'plain text')).toMatchObject({ kind: 'permanent' });
    expect(fixOf(409, {})).toMatchObject({ kind: 'permanent' });
  });

  it("keeps Jira's error text short and says nothing when there is none", () => {
    expect(jiraText(undefined)).toBe('');
    expect(jiraText({ message: 'gone' })).toBe(': gone');
    expect(jiraText('y'.repeat(5_000)).length).toBeLessThanOrEqual(302);
  });

  it('redacts what a peer at the admin-set URL says before anyone reads it', () => {
    const leaky = new ApiError('x', 400, 'Bad Request', '<pre>aws_secret_access_key: key=wJalrXUtnFEMI/K7MDENG at 169.254.169.254</pre>');
    const { message } = classifyJiraError(leaky);
    expect(message).toMatch(/^Jira answered 400 Bad Request: /);
    expect(message).not.toMatch(/wJalrXUtnFEMI|169\.254\.169\.254|<pre>/);
  });

  it('gives up at once on a call the outbound policy refused, saying why', () => {
    const refused = new NetworkError('Request to http://127.0.0.1/ failed', {
      cause: new TypeError('fetch failed', { cause: new OutboundRefusedError('127.0.0.1 is a loopback address: set …') }),
      transient: true,
    });
    expect(classifyJiraError(refused)).toEqual({
      kind: 'permanent',
      message: 'the Jira call was not made: 127.0.0.1 is a loopback address: set …',
    });
  });
});
