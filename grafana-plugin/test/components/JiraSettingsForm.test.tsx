// @vitest-environment jsdom
import { dateTimeFormat } from '@grafana/data';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JiraSettingsForm } from '../../src/components/AppConfig/JiraSettingsForm.tsx';
import { testIds } from '../../src/components/testIds.ts';
import type { JiraSettingsView, JiraTestResult } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const JIRA = '/integrations/jira';
const SECRET = 'ATATT3xFfGF0-stored-secret';

const stored: JiraSettingsView = {
  baseUrl: 'https://pos-team.atlassian.net',
  email: 'bot@example.com',
  projectKey: 'POS',
  issueType: 'Bug',
  enabled: true,
  autoCreate: false,
  priorityMap: { CRITICAL: 'Highest', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' },
  labels: ['stacklens'],
  apiTokenSet: true,
  lastTestedAt: '2026-01-01T09:00:00.000Z',
  testStatus: 'ok',
  testError: null,
};

function receiverWith(settings: JiraSettingsView | null): FakeReceiver {
  const receiver = new FakeReceiver();
  receiver.on('GET', JIRA, () =>
    settings
      ? // Even if a receiver wrongly sent the token back, the page must neither show nor resend it.
        { status: 200, data: { ...settings, apiToken: SECRET } }
      : { status: 404, data: { statusCode: 404, code: 'NOT_FOUND', message: 'Jira is not configured' } },
  );
  receiver.on('PUT', JIRA, (request: { body?: unknown }) => ({
    status: 200,
    data: { ...stored, ...(request.body as object), apiToken: undefined, apiTokenSet: true },
  }));
  return receiver;
}

const okResult: JiraTestResult = {
  ok: true,
  message: 'Connected as StackLens Bot; project POS accepts Bug issues.',
  checks: [
    { name: 'authentication', ok: true, message: 'Signed in as StackLens Bot' },
    { name: 'project', ok: true, message: 'POS exists' },
  ],
  testedAt: '2026-01-02T12:34:56.000Z',
};

describe('the Jira settings form', () => {
  it('never renders the stored token and leaves it out of a save when it was not changed', async () => {
    const { receiver } = renderWithServices(<JiraSettingsForm />, receiverWith(stored));
    const user = userEvent.setup();
    const token = await screen.findByTestId(testIds.jira.apiToken);
    expect(token).toHaveValue('configured');
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveTextContent(/Last tested/);
    await user.clear(screen.getByTestId(testIds.jira.issueType));
    await user.type(screen.getByTestId(testIds.jira.issueType), 'Task');
    await user.click(screen.getByTestId(testIds.jira.save));
    await waitFor(() => expect(receiver.sent('PUT', JIRA)).toHaveLength(1));
    const body = receiver.sent('PUT', JIRA)[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('apiToken');
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(body).toMatchObject({ baseUrl: 'https://pos-team.atlassian.net', projectKey: 'POS', issueType: 'Task', labels: ['stacklens'] });
    expect(await screen.findByRole('status')).toHaveTextContent('Saved.');
  });

  it('sends a token the admin typed after a reset, and everything else the form holds', async () => {
    const { receiver } = renderWithServices(<JiraSettingsForm />, receiverWith(stored));
    const user = userEvent.setup();
    await screen.findByTestId(testIds.jira.apiToken);
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    await user.type(screen.getByTestId(testIds.jira.apiToken), 'new-token-123');
    await user.clear(screen.getByTestId(testIds.jira.priority('CRITICAL')));
    await user.type(screen.getByTestId(testIds.jira.priority('CRITICAL')), 'Blocker');
    await user.type(within(screen.getByTestId(testIds.jira.labels)).getByRole('textbox'), 'pos{Enter}');
    await user.click(screen.getByTestId(testIds.jira.autoCreate));
    await user.click(screen.getByTestId(testIds.jira.save));
    await waitFor(() => expect(receiver.sent('PUT', JIRA)).toHaveLength(1));
    expect(receiver.sent('PUT', JIRA)[0]!.body).toEqual({
      baseUrl: 'https://pos-team.atlassian.net',
      email: 'bot@example.com',
      apiToken: 'new-token-123',
      projectKey: 'POS',
      issueType: 'Bug',
      enabled: true,
      autoCreate: true,
      priorityMap: { CRITICAL: 'Blocker', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' },
      labels: ['stacklens', 'pos'],
    });
  });

  it('explains every invalid field of an empty form and sends nothing', async () => {
    const { receiver } = renderWithServices(<JiraSettingsForm />, receiverWith(null));
    const user = userEvent.setup();
    await screen.findByTestId(testIds.jira.form);
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveTextContent('Never tested');
    await user.type(screen.getByTestId(testIds.jira.baseUrl), 'pos-team');
    await user.type(within(screen.getByTestId(testIds.jira.labels)).getByRole('textbox'), 'two words{Enter}');
    await user.click(screen.getByTestId(testIds.jira.save));
    expect(await screen.findByText(/Not a URL/)).toBeInTheDocument();
    expect(screen.getByText(/The e-mail address of the Atlassian account/)).toBeInTheDocument();
    expect(screen.getByText(/Required: an API token/)).toBeInTheDocument();
    expect(screen.getByText(/A project key is 2–10 capital letters/)).toBeInTheDocument();
    expect(screen.getByText(/Jira labels cannot contain spaces/)).toBeInTheDocument();
    expect(screen.getByText('Some fields need attention before saving.')).toBeInTheDocument();
    expect(receiver.sent('PUT', JIRA)).toHaveLength(0);
  });

  it('shows the receiver’s refusal of the settings', async () => {
    const receiver = receiverWith(stored).on('PUT', JIRA, () => ({
      status: 400,
      data: { statusCode: 400, code: 'VALIDATION_FAILED', message: 'body/baseUrl must match format "uri"' },
    }));
    renderWithServices(<JiraSettingsForm />, receiver);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.jira.save));
    expect(await screen.findByText('The receiver refused the settings: body/baseUrl must match format "uri"')).toBeInTheDocument();
  });

  it('says when the receiver cannot be read at all', async () => {
    const receiver = new FakeReceiver().on('GET', JIRA, () => ({ status: 502, data: { message: 'Bad Gateway' } }));
    renderWithServices(<JiraSettingsForm />, receiver);
    expect(await screen.findByText('Could not read the Jira settings from the receiver: Bad Gateway')).toBeInTheDocument();
    expect(screen.getByText(/Check the receiver URL and tokens above/)).toBeInTheDocument();
  });

  it('tells a non-Admin that Grafana’s proxy refuses them the settings (403), rather than blaming the tokens', async () => {
    const receiver = new FakeReceiver().on('GET', JIRA, () => ({ status: 403, data: { message: 'plugin proxy route access denied' } }));
    renderWithServices(<JiraSettingsForm />, receiver);
    expect(await screen.findByText(/plugin proxy route access denied/)).toBeInTheDocument();
    expect(screen.getByText(/for Grafana Admins/)).toBeInTheDocument();
  });
});

describe('test connection', () => {
  it('goes from testing to a success with each check and the new last-tested time', async () => {
    let answer: (value: { status: number; data: unknown }) => void = () => {};
    const receiver = receiverWith(stored).on('POST', `${JIRA}/test`, () => new Promise((resolve) => (answer = resolve)));
    renderWithServices(<JiraSettingsForm />, receiver);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.jira.test));
    expect(await screen.findByTestId(testIds.jira.testResult)).toHaveAttribute('data-state', 'testing');
    expect(screen.getByTestId(testIds.jira.test)).toBeDisabled();
    answer({ status: 200, data: okResult });
    await waitFor(() => expect(screen.getByTestId(testIds.jira.testResult)).toHaveAttribute('data-state', 'success'));
    expect(screen.getByText('Connected to Jira')).toBeInTheDocument();
    expect(screen.getByText(/Signed in as StackLens Bot/).closest('li')).toHaveAttribute('data-ok', 'true');
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveTextContent(`PassedLast tested ${dateTimeFormat(okResult.testedAt)}`);
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveAttribute('data-state', 'ok');
    expect(receiver.sent('PUT', JIRA)).toHaveLength(0);
  });

  it('shows which check failed when Jira refuses', async () => {
    const failed: JiraTestResult = {
      ok: false,
      message: 'Jira refused the credentials',
      checks: [{ name: 'authentication', ok: false, message: '401 Unauthorized: the e-mail or API token is wrong' }],
      testedAt: '2026-01-02T12:00:00.000Z',
    };
    renderWithServices(<JiraSettingsForm />, receiverWith(stored).on('POST', `${JIRA}/test`, failed));
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.jira.test));
    await waitFor(() => expect(screen.getByTestId(testIds.jira.testResult)).toHaveAttribute('data-state', 'failure'));
    expect(screen.getByText('Jira connection failed')).toBeInTheDocument();
    expect(screen.getByText(/401 Unauthorized/).closest('li')).toHaveAttribute('data-ok', 'false');
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveAttribute('data-state', 'failed');
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveTextContent('Failed');
    expect(screen.getByTestId(testIds.jira.lastTested)).toHaveTextContent(': Jira refused the credentials');
  });

  it('shows the result of the last test the receiver recorded, not only its time', async () => {
    const failedBefore: JiraSettingsView = { ...stored, testStatus: 'failed', testError: 'Jira answered 401' };
    renderWithServices(<JiraSettingsForm />, receiverWith(failedBefore));
    const last = await screen.findByTestId(testIds.jira.lastTested);
    expect(last).toHaveAttribute('data-state', 'failed');
    expect(last).toHaveTextContent(`FailedLast tested ${dateTimeFormat(stored.lastTestedAt!)}: Jira answered 401`);
  });

  it('reports a test that could not run, and saves unsaved changes before testing', async () => {
    const receiver = receiverWith(stored).on('POST', `${JIRA}/test`, () => ({
      status: 503,
      data: { statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'the store is not reachable' },
    }));
    renderWithServices(<JiraSettingsForm />, receiver);
    const user = userEvent.setup();
    await user.type(await screen.findByTestId(testIds.jira.email), 'x');
    expect(screen.getByTestId(testIds.jira.test)).toHaveTextContent('Save and test connection');
    await user.click(screen.getByTestId(testIds.jira.test));
    await waitFor(() => expect(screen.getByTestId(testIds.jira.testResult)).toHaveAttribute('data-state', 'error'));
    expect(screen.getByText('the store is not reachable')).toBeInTheDocument();
    expect(receiver.sent('PUT', JIRA)).toHaveLength(1);
    expect(receiver.requests.map((request) => request.method)).toEqual(['GET', 'PUT', 'POST']);
  });
});
