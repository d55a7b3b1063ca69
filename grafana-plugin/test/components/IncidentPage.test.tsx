// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { testIds } from '../../src/components/testIds.ts';
import { IncidentPage } from '../../src/pages/IncidentPage.tsx';
import type { IncidentDetail } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { FakeSocket } from '../support/FakeSocket.ts';
import { detail, summary, ticket } from '../support/fixtures.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const ID = 'fp-missing-price';

function receiverServing(current: { value: IncidentDetail }): FakeReceiver {
  return new FakeReceiver()
    .on('GET', `/incidents/${ID}`, () => ({ status: 200, data: current.value }))
    .on('POST', '/live/ticket', { ticket: 't', expiresAt: new Date().toISOString() });
}

describe('the incident page', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
  });

  it('shows the chart, samples with trace ids, the audit trail and a pending analysis', async () => {
    const base = detail();
    const audited = detail({
      audit: [...base.audit, { stage: 'acknowledged', at: '2026-01-01T10:01:00.000Z', detail: '', actor: 'grafana:eddie' }],
    });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value: audited }));
    expect(await screen.findByTestId(testIds.incident.page)).toHaveAttribute('data-incident', ID);
    expect(screen.getByTestId(testIds.incident.chart).querySelectorAll('rect')).toHaveLength(2);
    expect(within(screen.getByTestId(testIds.incident.samples)).getByText('4bf92f3577b34da6a3ce929d0e0e4736')).toBeInTheDocument();
    const audit = screen.getByTestId(testIds.incident.audit);
    expect(audit.querySelectorAll('li')).toHaveLength(3);
    // A Grafana user who acted is named, not "api".
    expect(audit.querySelector('[data-stage="acknowledged"]')).toHaveTextContent('by eddie (Grafana)');
    expect(audit.querySelector('[data-stage="detected"]')).toHaveTextContent('by stacklens');
    expect(audit.querySelector('[data-stage="detected"] time')?.textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.012$/);
    expect(screen.getByTestId(testIds.incident.analysis)).toHaveAttribute('data-state', 'pending');
  });

  it('shows the AI root cause with ranked fixes and the linked Jira ticket', async () => {
    const analysed = detail({
      ticket: ticket({ status: 'In Progress', statusCategory: 'indeterminate' }),
      analysis: {
        incidentId: ID,
        fingerprint: ID,
        analyser: 'openai',
        model: 'gpt-test',
        rootCause: 'Product 999 was created without a price.',
        category: 'data',
        fixes: [
          { rank: 2, action: 'Add a catalogue check', priority: 'medium', estimatedMinutes: 60, automatable: false },
          { rank: 1, action: 'Set the price of product 999', priority: 'high', estimatedMinutes: 5, automatable: true },
        ],
        confidence: 0.82,
        summary: 'Missing price',
        similarIncidents: [{ incidentId: 'x', errorType: 'MISSING_PRICE', title: 'older', status: 'resolved', ticketKey: 'POS-1' }],
        createdAt: '2026-01-01T10:00:01.000Z',
        durationMs: 900,
      },
    });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value: analysed }));
    const analysis = await screen.findByTestId(testIds.incident.analysis);
    expect(analysis).toHaveTextContent('Product 999 was created without a price.');
    expect(within(analysis).getAllByRole('listitem')[0]).toHaveTextContent(
      /^Set the price of product 999 — high priority, about 5 min, automatable/,
    );
    expect(analysis).toHaveTextContent('confidence 82 %');
    expect(analysis).toHaveTextContent('older (resolved, POS-1)');
    const jira = screen.getByTestId(testIds.incident.ticket);
    expect(jira).toHaveAttribute('data-state', 'linked');
    expect(within(jira).getByRole('link', { name: /POS-7/ })).toHaveAttribute('href', 'https://jira.example.com/browse/POS-7');
    expect(within(jira).getByText('In Progress')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.incident.createTicket)).not.toBeInTheDocument();
  });

  it('files a Jira ticket with notes, shows it queued, then linked when the live feed says so', async () => {
    const current = { value: detail() };
    const fake = receiverServing(current).on('POST', `/incidents/${ID}/jira`, () => ({ status: 202, data: { queued: true } }));
    renderWithServices(<IncidentPage id={ID} />, fake);
    const user = userEvent.setup();
    await user.type(await screen.findByTestId(testIds.incident.notes), 'Seen at the drive-through');
    await user.click(screen.getByTestId(testIds.incident.createTicket));
    await waitFor(() => expect(screen.getByTestId(testIds.incident.ticket)).toHaveAttribute('data-state', 'queued'));
    expect(fake.sent('POST', `/incidents/${ID}/jira`)[0]!.body).toEqual({ notes: 'Seen at the drive-through' });

    current.value = detail({ ticket: ticket() });
    await waitFor(() => expect(FakeSocket.opened.length).toBe(1));
    act(() => FakeSocket.last.hello());
    act(() => FakeSocket.last.deliver({ type: 'ticket.created', seq: 9, at: Date.now(), incident: summary(), ticket: ticket() }));
    await waitFor(() => expect(screen.getByTestId(testIds.incident.ticket)).toHaveAttribute('data-state', 'linked'), { timeout: 5_000 });
  });

  it('says why a ticket could not be filed', async () => {
    const fake = receiverServing({ value: detail() }).on('POST', `/incidents/${ID}/jira`, () => ({
      status: 409,
      data: { statusCode: 409, code: 'JIRA_NOT_CONFIGURED', message: 'Jira is not configured' },
    }));
    renderWithServices(<IncidentPage id={ID} />, fake);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.incident.createTicket));
    expect(await screen.findByText('Could not create the ticket: Jira is not configured')).toBeInTheDocument();
  });

  it('acknowledges and resolves through the editor route and re-reads the incident', async () => {
    const current = { value: detail() };
    const fake = receiverServing(current)
      .on('POST', `/incidents/${ID}/ack`, () => {
        current.value = detail({ incident: { ...detail().incident, status: 'acknowledged' } });
        return { status: 200, data: current.value.incident };
      })
      .on('POST', `/incidents/${ID}/resolve`, () => ({
        status: 403,
        data: { statusCode: 403, code: 'FORBIDDEN', message: 'this action needs the admin token' },
      }));
    renderWithServices(<IncidentPage id={ID} />, fake);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.incident.acknowledge));
    await waitFor(() => expect(screen.getByTestId(testIds.incident.acknowledge)).toBeDisabled());
    expect(screen.getByText('acknowledged')).toBeInTheDocument();
    await user.click(screen.getByTestId(testIds.incident.resolve));
    expect(await screen.findByText('Could not resolve the incident: this action needs the admin token')).toBeInTheDocument();
  });

  it('says when the incident does not exist', async () => {
    renderWithServices(
      <IncidentPage id="nope" />,
      new FakeReceiver().on('GET', '/incidents/nope', () => ({
        status: 404,
        data: { statusCode: 404, code: 'NOT_FOUND', message: 'no incident with id "nope"' },
      })),
    );
    expect(await screen.findByText('Could not load the incident: no incident with id "nope"')).toBeInTheDocument();
  });
});
