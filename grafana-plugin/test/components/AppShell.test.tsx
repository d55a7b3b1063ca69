// @vitest-environment jsdom
import type { AppPluginMeta } from '@grafana/data';
import { act, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/components/AppConfig/AppConfig.tsx';
import { AppPages, pageOf, pageUrlFor } from '../../src/components/App/AppPages.tsx';
import { testIds } from '../../src/components/testIds.ts';
import { LiveFeedPanel } from '../../src/panels/liveFeed/LiveFeedPanel.tsx';
import type { AppSettings } from '../../src/types.ts';
import { FakeReceiver } from '../support/fakeReceiver.ts';
import { FakeSocket } from '../support/FakeSocket.ts';
import { detail, EMPTY_STATS, listItem, summary } from '../support/fixtures.ts';
import { renderWithServices } from '../support/renderWithServices.tsx';

function meta(jsonData: AppSettings, tokenSet: boolean): AppPluginMeta<AppSettings> {
  return {
    id: 'stacklens-stacklens-app',
    jsonData,
    secureJsonFields: { viewerToken: tokenSet, editorToken: tokenSet, adminToken: tokenSet },
    enabled: true,
    pinned: true,
  } as unknown as AppPluginMeta<AppSettings>;
}

const configProps = (jsonData: AppSettings, tokenSet: boolean) =>
  ({ plugin: { meta: meta(jsonData, tokenSet) }, query: {}, saveSettings: async () => {} }) as unknown as Parameters<typeof AppConfig>[0];

describe('the configuration page', () => {
  it('asks for the receiver first, then offers the Jira settings', async () => {
    const first = renderWithServices(<AppConfig {...configProps({}, false)} />);
    expect(screen.getByText(/Save the receiver’s URL and tokens first/)).toBeInTheDocument();
    first.unmount();
    const receiver = new FakeReceiver().on('GET', '/integrations/jira', () => ({
      status: 404,
      data: { message: 'Jira is not configured' },
    }));
    renderWithServices(<AppConfig {...configProps({ receiverUrl: 'http://r:4318' }, true)} />, receiver);
    expect(await screen.findByTestId(testIds.jira.form)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.config.token('adminToken'))).toHaveValue('configured');
  });
});

describe('the app’s pages', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
  });

  it('routes below the base URL', () => {
    expect(pageOf('/a/stacklens-stacklens-app/incident', '/a/stacklens-stacklens-app')).toBe('incident');
    expect(pageOf('/a/stacklens-stacklens-app', '/a/stacklens-stacklens-app')).toBe('');
    expect(pageOf('/live', '')).toBe('live');
    expect(pageUrlFor('/a/x')('incident', { id: 'a b' })).toBe('/a/x/incident?id=a+b');
    expect(pageUrlFor('/a/x')('live')).toBe('/a/x/live');
  });

  it('shows the incident page for incident?id=…, and asks for an id without one', async () => {
    const receiver = new FakeReceiver()
      .on('GET', '/incidents/fp-missing-price', detail())
      .on('POST', '/live/ticket', { ticket: 't', expiresAt: '' });
    const view = renderWithServices(<AppPages page="incident" search="?id=fp-missing-price" />, receiver);
    expect(await screen.findByTestId(testIds.incident.page)).toBeInTheDocument();
    view.unmount();
    renderWithServices(<AppPages page="incident" search="" />, receiver);
    expect(screen.getByText(/No incident chosen/)).toBeInTheDocument();
  });

  it('shows the live page by default', async () => {
    const receiver = new FakeReceiver()
      .on('GET', '/incidents', { total: 0, items: [] })
      .on('GET', '/stats', EMPTY_STATS)
      .on('POST', '/live/ticket', { ticket: 't', expiresAt: '' });
    renderWithServices(<AppPages page="" search="" />, receiver);
    expect(await screen.findByTestId(testIds.live.page)).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.live.empty)).toBeInTheDocument();
  });
});

describe('the live error feed panel', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
  });

  it('shows at most max rows of the chosen severities and service, unresolved, updating live', async () => {
    const now = Date.now();
    const items = [
      listItem({ id: 'a', severity: 'CRITICAL', lastSeen: new Date(now - 1_000).toISOString() }),
      listItem({ id: 'b', severity: 'CRITICAL', lastSeen: new Date(now - 2_000).toISOString() }),
      listItem({ id: 'c', severity: 'LOW', lastSeen: new Date(now - 500).toISOString() }),
      listItem({ id: 'd', severity: 'CRITICAL', status: 'resolved', lastSeen: new Date(now).toISOString() }),
      listItem({ id: 'e', severity: 'CRITICAL', service: 'other', lastSeen: new Date(now).toISOString() }),
    ];
    const receiver = new FakeReceiver()
      .on('GET', '/incidents', { total: items.length, items })
      .on('POST', '/live/ticket', { ticket: 't', expiresAt: '' });
    renderWithServices(<LiveFeedPanel options={{ severities: ['CRITICAL'], service: 'demo-pos', maxRows: 1 }} height={300} />, receiver);
    expect(await screen.findByTestId(testIds.live.row('a'))).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(2);
    expect(screen.queryByText('Status')).not.toBeInTheDocument();
    await waitFor(() => expect(FakeSocket.opened).toHaveLength(1));
    act(() => FakeSocket.last.hello());
    act(() =>
      FakeSocket.last.deliver({
        type: 'incident.created',
        seq: 1,
        at: Date.now(),
        incident: summary({ id: 'z', severity: 'CRITICAL', lastSeen: new Date(now + 5_000).toISOString() }),
      }),
    );
    expect(await screen.findByTestId(testIds.live.row('z'))).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.live.row('a'))).not.toBeInTheDocument();
  });
});
