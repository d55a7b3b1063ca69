// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { testIds } from '../../src/components/testIds.ts';
import { LiveErrorsPage } from '../../src/pages/LiveErrorsPage.tsx';
import type { TransportRequest } from '../../src/api/Transport.ts';
import type { IncidentListItem, LiveEvent } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { FakeSocket } from '../support/FakeSocket.ts';
import { EMPTY_STATS, listItem, summary, ticket } from '../support/fixtures.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const now = () => new Date().toISOString();

const old = () =>
  listItem({ id: 'fp-old', fingerprint: 'fp-old', errorType: 'PAYMENT_FAILED', severity: 'MEDIUM', count: 4, lastSeen: now() });

/** The receiver's search answers (`text=` → incidents), standing for what it finds in the samples' raw values. */
type Searches = Record<string, () => IncidentListItem[]>;

function receiver(searches: Searches = {}): FakeReceiver {
  return new FakeReceiver()
    .on('GET', '/incidents', (request: TransportRequest) => {
      const text = new URL(request.url, 'http://grafana.test').searchParams.get('text');
      const items = text === null ? [old()] : (searches[text]?.() ?? []);
      return { status: 200, data: { total: items.length, items } };
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

  it('searches through the receiver (text=, once typing settles) and shows what it finds, in step with the live feed', async () => {
    // The title is the template: `999` is only in the samples' raw messages, which the receiver searches.
    const matching = {
      current: [listItem({ id: 'fp-999', fingerprint: 'fp-999', title: 'Product <num> has no price', count: 2, lastSeen: now() })],
    };
    const { receiver: fake } = renderWithServices(
      <LiveErrorsPage />,
      receiver({ '999': () => matching.current, 'Mystery (Product)': () => [] }),
    );
    await screen.findByTestId(testIds.live.row('fp-old'));
    const socket = await liveSocket();
    const user = userEvent.setup();
    await user.type(screen.getByPlaceholderText(/Search error type/), '999');
    const searched = () =>
      fake.sent('GET', '/incidents').flatMap((request) => new URL(request.url, 'http://grafana.test').searchParams.getAll('text'));
    await waitFor(() => expect(screen.getByTestId(testIds.live.searching)).toHaveAttribute('data-state', 'done'));
    expect(searched()).toEqual(['999']);
    // Not in the table before the search: the receiver's answer brought it.
    const row = screen.getByTestId(testIds.live.row('fp-999'));
    expect(within(row).getByText('<num>')).toHaveAttribute('data-variable', 'num');
    expect(screen.queryByTestId(testIds.live.row('fp-old'))).not.toBeInTheDocument();
    expect(screen.getByText('1 of 2 incidents')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.live.searching)).toHaveTextContent(
      'The receiver found 1 incident whose title, ids or messages hold “999”.',
    );

    // A live update of a match shows at once; a new incident that does not match stays out, and the receiver is asked again.
    send(socket, {
      type: 'incident.updated',
      seq: 1,
      at: Date.now(),
      change: 'occurrences',
      incident: summary({ id: 'fp-999', fingerprint: 'fp-999', title: 'Product <num> has no price', count: 5, lastSeen: now() }),
    });
    await waitFor(() => expect(screen.getByTestId(testIds.live.row('fp-999'))).toHaveAttribute('data-count', '5'));
    const fresh = listItem({
      id: 'fp-new',
      fingerprint: 'fp-new',
      errorType: 'INVENTORY_SHORTAGE',
      title: 'Only <num> unit(s) of product <num> in stock',
      lastSeen: now(),
    });
    send(socket, { type: 'incident.created', seq: 2, at: Date.now(), incident: summary(fresh) });
    expect(screen.queryByTestId(testIds.live.row('fp-new'))).not.toBeInTheDocument();
    // The receiver now finds `999` in the new incident's samples too: it joins the results.
    matching.current = [...matching.current, fresh];
    send(socket, { type: 'incident.updated', seq: 3, at: Date.now(), change: 'occurrences', incident: summary({ ...fresh, count: 2 }) });
    await waitFor(() => expect(screen.getByTestId(testIds.live.row('fp-new'))).toBeInTheDocument(), { timeout: 5_000 });
    expect(searched().length).toBeGreaterThan(1);
    expect(searched().every((text) => text === '999')).toBe(true);

    // Text is sent as typed, parentheses and all (not escaped for a regular expression).
    await user.clear(screen.getByPlaceholderText(/Search error type/));
    await user.type(screen.getByPlaceholderText(/Search error type/), 'Mystery (Product)');
    await waitFor(() => expect(searched()).toContain('Mystery (Product)'));
    await waitFor(() => expect(screen.getByTestId(testIds.live.empty)).toBeInTheDocument());
  });

  it('shows each template with a real message, and marks storm incidents from the live event or the title', async () => {
    const stormTitle =
      'Storm: more than 10 new incidents of rule pos-missing-price in demo-pos within 60 s (first: Product <num> has no price)';
    const fake = receiver().on('GET', '/incidents', {
      total: 1,
      items: [listItem({ id: 'fp-storm-old', fingerprint: 'fp-storm-old', title: stormTitle, lastSeen: now() })],
    });
    renderWithServices(<LiveErrorsPage />, fake);
    const oldStorm = await screen.findByTestId(testIds.live.row('fp-storm-old'));
    expect(oldStorm.querySelector('[data-storm]')).toHaveAttribute('data-storm', 'storm');
    const socket = await liveSocket();
    const incident = summary({ id: 'fp-999', fingerprint: 'fp-999', title: 'Product <num> has no price (order <id>)', lastSeen: now() });
    send(socket, { type: 'incident.created', seq: 1, at: Date.now(), incident });
    const row = await screen.findByTestId(testIds.live.row('fp-999'));
    expect(row.querySelector('[data-storm]')).toBeNull();
    expect([...row.querySelectorAll('[data-variable]')].map((node) => node.textContent)).toEqual(['<num>', '<id>']);
    send(socket, {
      type: 'error.detected',
      seq: 2,
      at: Date.now(),
      incidentId: 'fp-999',
      errorType: 'MISSING_PRICE',
      severity: 'HIGH',
      service: 'demo-pos',
      storeId: 'STORE_001',
      kioskId: 'KIOSK_001',
      traceId: 'abc',
      body: 'Product 999 has no price (order ORD-7Q2K9X1B)',
      occurrences: 1,
    });
    await waitFor(() => expect(row.querySelector('[data-example]')).toHaveTextContent('Product 999 has no price (order ORD-7Q2K9X1B)'));
    send(socket, {
      type: 'storm',
      seq: 3,
      at: Date.now(),
      incident: { ...incident, title: stormTitle },
      ruleId: 'pos-missing-price',
      service: 'demo-pos',
      newIncidents: 11,
      windowSeconds: 60,
    });
    expect(await within(screen.getByTestId(testIds.live.row('fp-999'))).findByText('storm: 11 new incidents in 60 s')).toBeInTheDocument();
    // The example found by a search on the page: `999` is in the message, not in the template.
    await userEvent.setup().type(screen.getByPlaceholderText(/Search error type/), 'ORD-7Q2K9X1B');
    expect(screen.getByTestId(testIds.live.row('fp-999'))).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.live.row('fp-storm-old'))).not.toBeInTheDocument();
  });

  it('shows the receiver’s example and storm fields of each incident', async () => {
    const fake = receiver().on('GET', '/incidents', {
      total: 2,
      items: [
        listItem({
          id: 'fp-storm',
          fingerprint: 'fp-storm',
          title: 'Storm: 14 new incidents of rule r in demo-pos',
          stormSize: 14,
          lastSeen: now(),
        }),
        listItem({
          id: 'fp-member',
          fingerprint: 'fp-member',
          stormId: 'fp-storm',
          example: 'Order ORD-1 failed at till 3',
          lastSeen: now(),
        }),
      ],
    });
    const { navigated } = renderWithServices(<LiveErrorsPage />, fake);
    const storm = await screen.findByTestId(testIds.live.row('fp-storm'));
    expect(within(storm).getByText('storm: 14 new incidents')).toBeInTheDocument();
    const member = screen.getByTestId(testIds.live.row('fp-member'));
    expect(member.querySelector('[data-storm]')).toHaveAttribute('data-storm', 'member');
    expect(member.querySelector('[data-example]')).toHaveTextContent('Order ORD-1 failed at till 3');
    // A live message does not replace the receiver's example (the incident's first message).
    const socket = await liveSocket();
    send(socket, {
      type: 'error.detected',
      seq: 1,
      at: Date.now(),
      incidentId: 'fp-member',
      errorType: 'MISSING_PRICE',
      severity: 'HIGH',
      service: 'demo-pos',
      storeId: 'STORE_001',
      kioskId: 'KIOSK_001',
      traceId: 'abc',
      body: 'Order ORD-2 failed at till 4',
      occurrences: 1,
    });
    send(socket, {
      type: 'incident.updated',
      seq: 2,
      at: Date.now(),
      change: 'occurrences',
      incident: summary({ id: 'fp-member', fingerprint: 'fp-member', count: 2, lastSeen: now() }),
    });
    await waitFor(() => expect(screen.getByTestId(testIds.live.row('fp-member'))).toHaveAttribute('data-count', '2'));
    expect(screen.getByTestId(testIds.live.row('fp-member')).querySelector('[data-example]')).toHaveTextContent(
      'Order ORD-1 failed at till 3',
    );
    expect(screen.getByTestId(testIds.live.row('fp-member')).querySelector('[data-storm]')).toHaveAttribute('data-storm', 'member');
    await userEvent.setup().click(within(screen.getByTestId(testIds.live.row('fp-member'))).getByRole('link', { name: 'the storm' }));
    expect(navigated).toEqual(['/a/test/incident?id=fp-storm']);
  });

  it('does not bring back, from the feed’s replay, an incident the snapshot no longer lists (merged away)', async () => {
    renderWithServices(<LiveErrorsPage />, receiver());
    await screen.findByTestId(testIds.live.row('fp-old'));
    const socket = await liveSocket();
    const created = (id: string, at: number) => ({
      type: 'incident.created',
      seq: at,
      at,
      incident: summary({ id, fingerprint: id, lastSeen: now() }),
    });
    act(() =>
      socket.deliver({
        type: 'backfill',
        filters: {},
        events: [created('fp-merged-away', Date.now() - 60_000), created('fp-while-away', Date.now() + 1_000)],
      }),
    );
    await screen.findByTestId(testIds.live.row('fp-while-away'));
    expect(screen.queryByTestId(testIds.live.row('fp-merged-away'))).not.toBeInTheDocument();
    expect(screen.getByText('2 incidents')).toBeInTheDocument();
  });

  it('drops the row of an incident merged away while the page is open, and shows it again when it is unmerged', async () => {
    renderWithServices(<LiveErrorsPage />, receiver());
    await screen.findByTestId(testIds.live.row('fp-old'));
    const socket = await liveSocket();
    const absorbed = summary({ id: 'fp-absorbed', fingerprint: 'fp-absorbed', lastSeen: now() });
    send(socket, { type: 'incident.created', seq: 1, at: Date.now(), incident: absorbed });
    await screen.findByTestId(testIds.live.row('fp-absorbed'));
    expect(screen.getByText('2 incidents')).toBeInTheDocument();

    send(socket, { type: 'incident.merged', seq: 2, at: Date.now(), incident: absorbed, into: 'fp-old', actor: 'grafana:ada' });
    await waitFor(() => expect(screen.queryByTestId(testIds.live.row('fp-absorbed'))).not.toBeInTheDocument());
    expect(screen.getByText('1 incident')).toBeInTheDocument();

    send(socket, { type: 'incident.unmerged', seq: 3, at: Date.now(), incident: absorbed, from: 'fp-old', actor: 'api' });
    expect(await screen.findByTestId(testIds.live.row('fp-absorbed'))).toHaveAttribute('data-count', '1');
    expect(screen.getByText('2 incidents')).toBeInTheDocument();
  });

  it('does not bring back a merged-away incident from a snapshot asked before the merge was heard of', async () => {
    let answer: (items: IncidentListItem[]) => void = () => {};
    const fake = receiver().on(
      'GET',
      '/incidents',
      () =>
        new Promise((resolve) => {
          answer = (items) => resolve({ status: 200, data: { total: items.length, items } });
        }),
    );
    renderWithServices(<LiveErrorsPage />, fake);
    const socket = await liveSocket();
    await waitFor(() => expect(fake.sent('GET', '/incidents')).toHaveLength(1));
    // The receiver listed both when asked; the merge happened before its answer arrived.
    const absorbed = listItem({ id: 'fp-absorbed', fingerprint: 'fp-absorbed', lastSeen: now() });
    send(socket, { type: 'incident.merged', seq: 1, at: Date.now(), incident: summary(absorbed), into: 'fp-old', actor: 'stacklens' });
    act(() => answer([old(), absorbed]));
    await screen.findByTestId(testIds.live.row('fp-old'));
    expect(screen.queryByTestId(testIds.live.row('fp-absorbed'))).not.toBeInTheDocument();
  });

  it('falls back to the titles when the receiver cannot search', async () => {
    const fake = receiver().on('GET', '/incidents', (request: TransportRequest) =>
      request.url.includes('text=')
        ? { status: 503, data: { statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'the store did not answer' } }
        : { status: 200, data: { total: 1, items: [old()] } },
    );
    renderWithServices(<LiveErrorsPage />, fake);
    await screen.findByTestId(testIds.live.row('fp-old'));
    await userEvent.setup().type(screen.getByPlaceholderText(/Search error type/), 'payment');
    expect(
      await screen.findByText(/Could not search the receiver: the store did not answer\. Showing the incidents whose titles match\./),
    ).toBeInTheDocument();
    expect(screen.getByTestId(testIds.live.row('fp-old'))).toBeInTheDocument();
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
