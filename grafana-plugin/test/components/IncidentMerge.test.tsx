// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { testIds } from '../../src/components/testIds.ts';
import type { GrafanaUser } from '../../src/grafanaUser.ts';
import { IncidentPage } from '../../src/pages/IncidentPage.tsx';
import type { IncidentDetail } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { FakeSocket } from '../support/FakeSocket.ts';
import { detail, listItem } from '../support/fixtures.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

const ID = 'fp-missing-price';
const TARGET = 'fp-price-feed';
const ADMIN: GrafanaUser = { orgRole: 'Admin', isGrafanaAdmin: false };
const EDITOR: GrafanaUser = { orgRole: 'Editor', isGrafanaAdmin: false };

const target = listItem({
  id: TARGET,
  fingerprint: TARGET,
  errorType: 'PRICE_FEED_GAP',
  title: 'Price feed skipped product <num>',
  count: 7,
});

function receiverServing(current: { value: IncidentDetail }, id = ID): FakeReceiver {
  return new FakeReceiver()
    .on('GET', `/incidents/${id}`, () => ({ status: 200, data: current.value }))
    .on('POST', '/live/ticket', { ticket: 't', expiresAt: new Date().toISOString() })
    .on('GET', '/incidents', (request: { url: string }) => {
      const text = new URL(request.url, 'http://grafana.test').searchParams.get('text');
      // What the receiver's search would answer: the target's samples hold the order id; the first page does not show it.
      const items = text === null ? [listItem()] : text === 'ORD-7Q2K' ? [target] : [];
      return { status: 200, data: { total: items.length, items } };
    });
}

function refusal(status: number, code: string, message: string) {
  return () => ({ status, data: { statusCode: status, code, message } });
}

async function pickTarget(user: ReturnType<typeof userEvent.setup>): Promise<void> {
  await user.click(await screen.findByTestId(testIds.incident.merge));
  await user.type(screen.getByTestId(testIds.merge.search), 'ORD-7Q2K');
  await user.click(await screen.findByTestId(testIds.merge.pick(TARGET)));
}

describe('merging incidents from the incident page', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
  });

  it('finds the target through the receiver’s search, confirms, posts {into} on the admin route and opens the survivor', async () => {
    const fake = receiverServing({ value: detail() }).on('POST', `/admin/incidents/${ID}/merge`, () => ({
      status: 200,
      data: { ...target, count: 8 },
    }));
    const { navigated } = renderWithServices(<IncidentPage id={ID} />, fake, { user: ADMIN });
    const user = userEvent.setup();
    await pickTarget(user);
    // The search went to the receiver (debounced: one request for the whole text).
    const searches = fake.sent('GET', '/incidents').map((request) => new URL(request.url, 'http://grafana.test').searchParams.get('text'));
    expect(searches).toContain('ORD-7Q2K');
    expect(searches).not.toContain('O');
    // Nothing is merged before the person confirms.
    expect(screen.getByTestId(testIds.merge.dialog)).toHaveAttribute('data-step', 'confirm');
    expect(screen.getByTestId(testIds.merge.confirmation)).toHaveTextContent(
      `Merge MISSING_PRICE (1 occurrences, ${ID}) into PRICE_FEED_GAP (7 occurrences) ${TARGET}?`,
    );
    expect(fake.sent('POST', `/admin/incidents/${ID}/merge`)).toHaveLength(0);
    await user.click(screen.getByTestId(testIds.merge.confirm));
    await waitFor(() => expect(navigated).toEqual([`/a/test/incident?id=${TARGET}`]));
    expect(fake.sent('POST', `/admin/incidents/${ID}/merge`).map((request) => request.body)).toEqual([{ into: TARGET }]);
  });

  it('takes an id typed as it is when the search does not list it', async () => {
    const fake = receiverServing({ value: detail() }).on('POST', `/admin/incidents/${ID}/merge`, () => ({
      status: 200,
      data: { ...target, id: 'fp-older' },
    }));
    const { navigated } = renderWithServices(<IncidentPage id={ID} />, fake, { user: { orgRole: 'Viewer', isGrafanaAdmin: true } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.incident.merge));
    await user.type(screen.getByTestId(testIds.merge.search), 'fp-older');
    await user.click(await screen.findByTestId(testIds.merge.pick('fp-older')));
    await user.click(screen.getByTestId(testIds.merge.confirm));
    await waitFor(() => expect(navigated).toEqual(['/a/test/incident?id=fp-older']));
    expect(fake.sent('POST', `/admin/incidents/${ID}/merge`)[0]!.body).toEqual({ into: 'fp-older' });
  });

  it('offers merging only to those Grafana’s proxy lets through the Admin route', async () => {
    for (const user of [undefined, EDITOR, { orgRole: 'Viewer', isGrafanaAdmin: false }]) {
      const { unmount } = renderWithServices(<IncidentPage id={ID} />, receiverServing({ value: detail() }), { user });
      await screen.findByTestId(testIds.incident.page);
      expect(screen.queryByTestId(testIds.incident.merge)).not.toBeInTheDocument();
      expect(screen.getByTestId(testIds.incident.resolve)).toBeInTheDocument();
      unmount();
    }
  });

  it.each([
    [
      409,
      'CONFLICT',
      `incident "${ID}" is already part of "${TARGET}"`,
      /HTTP 409\): incident "fp-missing-price" is already part of "fp-price-feed"\.$/,
    ],
    [
      400,
      'VALIDATION_FAILED',
      'body.into must NOT have fewer than 1 characters',
      /HTTP 400\): body\.into must NOT have fewer than 1 characters/,
    ],
    [403, 'FORBIDDEN', 'plugin proxy route access denied', /HTTP 403\): plugin proxy route access denied\. Only Grafana Admins may merge/],
    [
      403,
      'FORBIDDEN',
      'this action needs the admin token',
      /this action needs the admin token\. The app's admin token is not the receiver's/,
    ],
    [404, 'NOT_FOUND', `no incident with id "${TARGET}"`, /HTTP 404\): no incident with id "fp-price-feed"\. It may have been merged/],
    [401, 'UNAUTHORIZED', 'missing or invalid bearer token', /did not accept the app's admin token/],
    [503, 'STORE_UNAVAILABLE', 'the store did not answer', /the store did not answer\. Try again/],
  ])('shows the receiver’s or the proxy’s %i in the dialog and stays on the page', async (status, code, message, shown) => {
    const fake = receiverServing({ value: detail() }).on('POST', `/admin/incidents/${ID}/merge`, refusal(status, code, message));
    const { navigated } = renderWithServices(<IncidentPage id={ID} />, fake, { user: ADMIN });
    const user = userEvent.setup();
    await pickTarget(user);
    await user.click(screen.getByTestId(testIds.merge.confirm));
    expect((await screen.findByTestId(testIds.merge.error)).textContent).toMatch(shown);
    expect(screen.getByTestId(testIds.merge.error)).toHaveTextContent(`Could not merge ${ID} into ${TARGET}`);
    expect(navigated).toEqual([]);
    // The person can go back and pick again.
    expect(screen.getByTestId(testIds.merge.confirm)).toBeEnabled();
  });

  it('on a merged incident’s page says where it went, links there, and unmerges it', async () => {
    const survivor = detail({ incident: { ...detail().incident, id: TARGET, fingerprint: TARGET, errorType: 'PRICE_FEED_GAP', count: 8 } });
    const current = { value: survivor };
    const fake = receiverServing(current, 'fp-absorbed').on('POST', '/admin/incidents/fp-absorbed/unmerge', () => {
      current.value = detail({ incident: { ...detail().incident, id: 'fp-absorbed', fingerprint: 'fp-absorbed' } });
      return { status: 200, data: current.value.incident };
    });
    const { navigated } = renderWithServices(<IncidentPage id="fp-absorbed" />, fake, { user: ADMIN });
    const banner = await screen.findByTestId(testIds.incident.mergedInto);
    expect(banner).toHaveTextContent(`Incident fp-absorbed was merged into ${TARGET}`);
    const link = within(banner).getByRole('link', { name: `open ${TARGET}` });
    expect(link).toHaveAttribute('href', `/a/test/incident?id=${TARGET}`);
    // Only the survivor is merged into others; the merged one is not offered the merge again.
    expect(screen.queryByTestId(testIds.incident.merge)).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(link);
    expect(navigated).toEqual([`/a/test/incident?id=${TARGET}`]);
    await user.click(screen.getByTestId(testIds.incident.unmerge));
    await waitFor(() => expect(screen.queryByTestId(testIds.incident.mergedInto)).not.toBeInTheDocument());
    expect(fake.sent('POST', '/admin/incidents/fp-absorbed/unmerge').map((request) => request.body)).toEqual([{}]);
    expect(screen.getByTestId(testIds.incident.page)).toHaveAttribute('data-incident', 'fp-absorbed');
    expect(screen.getByTestId(testIds.incident.merge)).toBeInTheDocument();
  });

  it('says why an unmerge was refused, and shows the unmerge to Admins only', async () => {
    const survivor = detail({ incident: { ...detail().incident, id: TARGET } });
    const fake = receiverServing({ value: survivor }, 'fp-alias').on(
      'POST',
      '/admin/incidents/fp-alias/unmerge',
      refusal(404, 'NOT_FOUND', 'no merged incident with id "fp-alias"'),
    );
    const { unmount } = renderWithServices(<IncidentPage id="fp-alias" />, fake, { user: EDITOR });
    expect(await screen.findByTestId(testIds.incident.mergedInto)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.incident.unmerge)).not.toBeInTheDocument();
    unmount();
    renderWithServices(<IncidentPage id="fp-alias" />, fake, { user: ADMIN });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(testIds.incident.unmerge));
    expect(await screen.findByTestId(testIds.incident.actionError)).toHaveTextContent(
      'Could not unmerge fp-alias (HTTP 404): no merged incident with id "fp-alias".',
    );
  });

  it('links the other incident of a merge in the audit trail', async () => {
    const base = detail();
    const merged = detail({
      audit: [
        ...base.audit,
        {
          stage: 'merged',
          at: '2026-01-01T10:02:00.000Z',
          detail: 'merged incident fp-other (3 occurrences) into this one: merged by api',
          actor: 'api',
        },
        { stage: 'unmerged', at: '2026-01-01T10:03:00.000Z', detail: 'incident fp-other (3 occurrences) taken out again', actor: 'api' },
      ],
    });
    const { navigated } = renderWithServices(<IncidentPage id={ID} />, receiverServing({ value: merged }));
    const audit = await screen.findByTestId(testIds.incident.audit);
    const entry = audit.querySelector('[data-stage="merged"]') as HTMLElement;
    expect(entry).toHaveTextContent('merged incident fp-other (3 occurrences) into this one: merged by api');
    await userEvent.setup().click(within(entry).getByRole('link', { name: 'fp-other' }));
    expect(navigated).toEqual(['/a/test/incident?id=fp-other']);
    expect(
      within(audit.querySelector('[data-stage="unmerged"]') as HTMLElement).getByRole('link', { name: 'fp-other' }),
    ).toBeInTheDocument();
  });
});

describe('the incident’s title', () => {
  it('shows the template with its variables marked, and a real message from the samples', async () => {
    const base = detail();
    const value = detail({
      incident: { ...base.incident, title: 'Product <num> has no price (order <id>) at <*>' },
      samples: [{ ...base.samples[0]!, body: 'Product 999 has no price (order ORD-7Q2K9X1B) at till 3' }],
    });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value }));
    const title = await screen.findByTestId(testIds.incident.title);
    expect(title).toHaveTextContent('demo-pos · Product <num> has no price (order <id>) at <*>');
    expect([...title.querySelectorAll('[data-variable]')].map((node) => [node.getAttribute('data-variable'), node.textContent])).toEqual([
      ['num', '<num>'],
      ['id', '<id>'],
      ['*', '<*>'],
    ]);
    expect(title.querySelector('[data-variable="num"]')).toHaveAttribute('title', 'Variable: a number');
    expect(screen.getByTestId(testIds.incident.example)).toHaveTextContent('e.g. Product 999 has no price (order ORD-7Q2K9X1B) at till 3');
    expect(screen.queryByTestId(testIds.incident.storm)).not.toBeInTheDocument();
  });

  it('marks the storm guard’s incident, and shows no example without samples', async () => {
    const base = detail();
    const value = detail({
      incident: {
        ...base.incident,
        title: 'Storm: more than 10 new incidents of rule pos-missing-price in demo-pos within 60 s (first: Product <num> has no price)',
      },
      samples: [],
    });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value }));
    expect(await screen.findByTestId(testIds.incident.storm)).toHaveTextContent('storm');
    expect(screen.queryByTestId(testIds.incident.example)).not.toBeInTheDocument();
  });

  it('prefers the receiver’s example (the first message) to the samples', async () => {
    const base = detail();
    const value = detail({ incident: { ...base.incident, example: 'Product 999 has no price (order ORD-FIRST1)' } });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value }));
    expect(await screen.findByTestId(testIds.incident.example)).toHaveTextContent('e.g. Product 999 has no price (order ORD-FIRST1)');
  });

  it('on a storm incident (stormSize), lists the incidents grouped under it from ?storm=', async () => {
    const base = detail();
    const value = detail({ incident: { ...base.incident, title: 'Storm: 12 new incidents of rule r in demo-pos', stormSize: 12 } });
    const member = listItem({ id: 'fp-member', fingerprint: 'fp-member', stormId: ID, title: 'Order <id> failed', count: 3 });
    const fake = receiverServing({ value }).on('GET', '/incidents', (request: { url: string }) => {
      const storm = new URL(request.url, 'http://grafana.test').searchParams.get('storm');
      const items = storm === ID ? [member] : [];
      return { status: 200, data: { total: items.length, items } };
    });
    const { navigated } = renderWithServices(<IncidentPage id={ID} />, fake);
    expect(await screen.findByTestId(testIds.incident.storm)).toHaveTextContent('storm of 12 new incidents');
    const members = await screen.findByTestId(testIds.incident.stormMembers);
    expect(members).toHaveTextContent('1 incident grouped under this storm: its analysis and ticket stand for them.');
    expect(members).toHaveTextContent('MISSING_PRICE · Order <id> failed · 3×');
    await userEvent.setup().click(within(members).getByRole('link', { name: 'MISSING_PRICE' }));
    expect(navigated).toEqual(['/a/test/incident?id=fp-member']);
  });

  it('on an incident grouped under a storm (stormId), links the storm', async () => {
    const base = detail();
    const value = detail({ incident: { ...base.incident, stormId: 'fp-storm' } });
    renderWithServices(<IncidentPage id={ID} />, receiverServing({ value }));
    const banner = await screen.findByTestId(testIds.incident.inStorm);
    expect(banner).toHaveTextContent(
      'The storm guard grouped this incident under storm fp-storm: the storm’s analysis and ticket stand for it.',
    );
    expect(within(banner).getByRole('link', { name: 'storm fp-storm' })).toHaveAttribute('href', '/a/test/incident?id=fp-storm');
    expect(screen.queryByTestId(testIds.incident.storm)).not.toBeInTheDocument();
  });
});
