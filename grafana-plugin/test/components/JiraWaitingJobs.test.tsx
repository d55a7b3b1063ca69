// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JiraWaitingJobs } from '../../src/components/AppConfig/JiraWaitingJobs.tsx';
import { testIds } from '../../src/components/testIds.ts';
import type { JiraQueueStatus } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const STATUS = '/integrations/jira/status';
const RETRY = '/integrations/jira/retry';
const queue = { pending: 0, running: 0, waiting: 0, done: 3, failed: 0 };
const waitingJob = {
  id: 'create:fp1:0',
  kind: 'create',
  incidentId: 'fp1',
  lastError: 'Jira answered 403 Forbidden — to fix: the Jira user lacks a permission in the project',
};

describe('the waiting Jira jobs', () => {
  it('shows nothing while no job waits', async () => {
    const receiver = new FakeReceiver().on('GET', STATUS, { queue, waiting: [] } satisfies JiraQueueStatus);
    renderWithServices(<JiraWaitingJobs />, receiver);
    await waitFor(() => expect(receiver.sent('GET', STATUS)).toHaveLength(1));
    expect(screen.queryByTestId(testIds.jira.waiting)).toBeNull();
  });

  it('lists what Jira said and what to fix, and retries on request', async () => {
    let waiting = 1;
    const receiver = new FakeReceiver()
      .on('GET', STATUS, () => ({ status: 200, data: { queue: { ...queue, waiting }, waiting: waiting ? [waitingJob] : [] } }))
      .on('POST', RETRY, () => {
        waiting = 0;
        return { status: 200, data: { requeued: 1 } };
      });
    renderWithServices(<JiraWaitingJobs />, receiver);
    expect(await screen.findByText('1 Jira job waiting for a fix')).toBeInTheDocument();
    expect(screen.getByText(/create for incident fp1: Jira answered 403 Forbidden — to fix/)).toBeInTheDocument();
    await userEvent.setup().click(screen.getByTestId(testIds.jira.retry));
    expect(await screen.findByText('1 job queued again')).toBeInTheDocument();
    expect(receiver.sent('POST', RETRY)).toHaveLength(1);
    await waitFor(() => expect(screen.queryByText('1 Jira job waiting for a fix')).toBeNull());
  });

  it('says why a retry failed', async () => {
    const receiver = new FakeReceiver()
      .on('GET', STATUS, { queue: { ...queue, waiting: 2 }, waiting: [waitingJob] })
      .on('POST', RETRY, () => ({
        status: 503,
        data: { statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'the store is unavailable' },
      }));
    renderWithServices(<JiraWaitingJobs />, receiver);
    await userEvent.setup().click(await screen.findByTestId(testIds.jira.retry));
    expect(await screen.findByText(/Retry failed: .*the store is unavailable/)).toBeInTheDocument();
  });
});
