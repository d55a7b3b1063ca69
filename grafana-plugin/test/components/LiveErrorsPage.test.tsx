// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { testIds } from '../../src/components/testIds.ts';
import { LiveErrorsPage } from '../../src/pages/LiveErrorsPage.tsx';
import type { LiveEvent } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { FakeSocket } from '../support/FakeSocket.ts';
import { EMPTY_STATS, listItem, summary, ticket } from '../support/fixtures.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const now = () => new Date().toISOString();

function receiver(): FakeReceiver {
  return new FakeReceiver()
    .on('GET', '/incidents', {
      total: 1,
      items: [
        listItem({ id: 'fp-old', fingerprint: 'fp-old', errorType: 'PAYMENT_FAILED', severity: 'MEDIUM', count: 4, lastSeen: now() }),
      ],
    })
    .on('GET', '/stats', { ...EMPTY_STATS, totals: { incidents: 1, occurrences: 4, openIncidents: 1 } })
    .on('POST', '/live/ticket', () => ({ status: 200, data: { ticket: `t-${Math.random()}`, expiresAt: now() } }));
}

async function liveSocket(): Promise<FakeSocket> {
  await waitFor(() => expect(FakeSocket.opened.length).toBeGreaterThan(0));
  const socket = FakeSocket.last;
  act(() => socket.hello());
  return socket;
}

function send(socket: FakeSocket, event: LiveEvent): void {
  act(() => socket.deliver(event));
}

describe('the live errors page', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
  });

  it('adds and updates rows from WebSocket events without a reload', async () => {
    const { receiver: fake } = renderWithServices(<LiveErrorsPage />, receiver());
    expect(await screen.findByTestId(testIds.live.row('fp-old'))).toBeInTheDocument();
    const socket = await liveSocket();
    expect(screen.getByTestId(testIds.live.connection)).toHaveAttribute('data-state', 'live');
    expect(fake.sent('POST', '/live/ticket')).toHaveLength(1);

    const incident = summary({ id: 'fp-999', fingerprint: 'fp-999', severity: 'CRITICAL', count: 1, lastSeen: now() });
    send(socket, { type: 'incident.created', seq: 1, at: Date.now(), incident });
    const row = await screen.findByTestId(testIds.live.row('fp-999'));
    expect(within(row).getByText('CRITICAL')).toBeInTheDocument();
    expect(within(row).getByText('MISSING_PRICE')).toBeInTheDocument();
    expect(within(row).getByText('pending')).toBeInTheDocument();
    expect(screen.getByText('2 incidents')).toBeInTheDocument();
    // The newest incident is on top.
    expect(screen.getAllByRole('row')[1]).toBe(row);

    send(socket, {
      type: 'error.detected',
      seq: 2,
      at: Date.now(),
      incidentId: 'fp-999',
      errorType: 'MISSING_PRICE',
      severity: 'CRITICAL',
      service: 'demo-pos',
      storeId: 'STORE_002',
      kioskId: 'KIOSK_003',
      traceId: 'abc',
      body: 'no price',
      occurrences: 2,
    });
    send(socket, {
      type: 'incident.updated',
      seq: 3,
      at: Date.now(),
      change: 'occurrences',
      incident: {
        ...incident,
        count: 3,
        storeCounts: { STORE_001: 1, STORE_002: 2 },
        kioskCounts: { 'STORE_002/KIOSK_003': 2, 'STORE_001/KIOSK_003': 1 },
      },
    });
    await waitFor(() => expect(screen.getByTestId(testIds.live.row('fp-999'))).toHaveAttribute('data-count', '3'));
    expect(within(screen.getByTestId(testIds.live.row('fp-999'))).getByText('STORE_002/KIOSK_003 +1 (2 stores)')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.live.stats)).toHaveTextContent('0.4/min');

    send(socket, {
      type: 'ai.completed',
      seq: 4,
      at: Date.now(),
      incident: { ...incident, count: 3 },
      analysis: {
        incidentId: 'fp-999',
        fingerprint: 'fp-999',
        analyser: 'offline',
        model: 'kb-1',
        rootCause: 'no price',
        category: 'data',
        fixes: [],
        confidence: 0.9,
        summary: 'Price missing',
        similarIncidents: [],
        createdAt: Date.now(),
        durationMs: 3,
      },
    });
    expect(await within(screen.getByTestId(testIds.live.row('fp-999'))).findByText('data · 90 %')).toBeInTheDocument();

    send(socket, { type: 'ticket.failed', seq: 5, at: Date.now(), incident: { ...incident, count: 3 }, error: 'Jira answered 503' });
    expect(await within(screen.getByTestId(testIds.live.row('fp-999'))).findByText('ticket failed')).toBeInTheDocument();
    send(socket, {
      type: 'ticket.created',
      seq: 6,
      at: Date.now(),
      incident: { ...incident, count: 3 },
      ticket: ticket({ incidentId: 'fp-999', createdAt: Date.now(), updatedAt: Date.now() }),
    });
    const link = await within(screen.getByTestId(testIds.live.row('fp-999'))).findByRole('link', { name: /POS-7/ });
    expect(link).toHaveAttribute('href', 'https://jira.example.com/browse/POS-7');
    expect(within(screen.getByTestId(testIds.live.row('fp-999'))).getByText('To Do')).toBeInTheDocument();

    send(socket, {
      type: 'incident.updated',
      seq: 7,
      at: Date.now(),
      change: 'acknowledged',
      incident: { ...incident, count: 3, status: 'acknowledged' },
    });
    expect(await within(screen.getByTestId(testIds.live.row('fp-999'))).findByText('acknowledged')).toBeInTheDocument();
    send(socket, {
      type: 'spike',
      seq: 8,
      at: Date.now(),
      incident: { ...incident, count: 3, status: 'acknowledged' },
      ratePerMinute: 42,
      baselinePerMinute: 1,
    });
    expect(await screen.findByText('spike 42/min')).toBeInTheDocument();
  });

  it('shows the connection state and reconnects when the feed drops', async () => {
    renderWithServices(<LiveErrorsPage />, receiver());
    const socket = await liveSocket();
    act(() => socket.drop(1006));
    expect(screen.getByTestId(testIds.live.connection)).toHaveAttribute('data-state', 'reconnecting');
    expect(screen.getByText(/Reconnecting in/)).toBeInTheDocument();
  });

  it('filters by search text and opens an incident in the app', async () => {
    const { navigated } = renderWithServices(<LiveErrorsPage />, receiver());
    const socket = await liveSocket();
    send(socket, {
      type: 'incident.created',
      seq: 1,
      at: Date.now(),
      incident: summary({ id: 'fp-999', fingerprint: 'fp-999', lastSeen: now() }),
    });
    await screen.findByTestId(testIds.live.row('fp-999'));
    const user = userEvent.setup();
    await user.type(screen.getByPlaceholderText(/Search error type/), 'payment');
    expect(screen.queryByTestId(testIds.live.row('fp-999'))).not.toBeInTheDocument();
    expect(screen.getByText('1 of 2 incidents')).toBeInTheDocument();
    await user.click(within(screen.getByTestId(testIds.live.row('fp-old'))).getByText('PAYMENT_FAILED'));
    expect(navigated).toEqual(['/a/test/incident?id=fp-old']);
    await user.clear(screen.getByPlaceholderText(/Search error type/));
    await user.type(screen.getByPlaceholderText(/Search error type/), 'nothing like this');
    expect(screen.getByTestId(testIds.live.empty)).toBeInTheDocument();
  });

  it('says when the incidents or the stats cannot be loaded, and when the feed is not configured', async () => {
    const broken = new FakeReceiver();
    renderWithServices(<LiveErrorsPage />, broken, { liveUrl: undefined });
    expect(await screen.findByText(/Could not load the incidents: no route GET/)).toBeInTheDocument();
    expect(await screen.findByText(/Statistics unavailable/)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.live.connection)).toHaveAttribute('data-state', 'unconfigured');
    expect(FakeSocket.opened).toHaveLength(0);
  });
});
