// @vitest-environment jsdom
import { render, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ReceiverSettings, type PluginSettingsUpdate } from '../../src/components/AppConfig/ReceiverSettings.tsx';
import { testIds } from '../../src/components/testIds.ts';

const ALL_SET = { viewerToken: true, editorToken: true, adminToken: true };

function setup(props: Partial<Parameters<typeof ReceiverSettings>[0]> = {}) {
  const saved: PluginSettingsUpdate[] = [];
  render(
    <ReceiverSettings
      jsonData={{ receiverUrl: 'http://receiver:4318' }}
      secureJsonFields={ALL_SET}
      enabled
      pinned={false}
      onSave={async (update) => {
        saved.push(update);
      }}
      {...props}
    />,
  );
  return { saved, user: userEvent.setup() };
}

describe('the receiver settings', () => {
  it('shows stored tokens only as "configured" and never sends them back when they were not changed', async () => {
    const { saved, user } = setup();
    for (const key of ['viewerToken', 'editorToken', 'adminToken']) {
      const token = screen.getByTestId(testIds.config.token(key));
      expect(token).toBeDisabled();
      expect(token).toHaveValue('configured');
    }
    await user.click(screen.getByTestId(testIds.config.saveReceiver));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({ enabled: true, pinned: false, jsonData: { receiverUrl: 'http://receiver:4318' } });
    expect(saved[0]).not.toHaveProperty('secureJsonData');
    expect(await screen.findByRole('status')).toHaveTextContent('Saved.');
  });

  it('sends a new token only after a reset and a new value, and keeps it out of the page text', async () => {
    const { saved, user } = setup();
    // The third Reset belongs to the admin token.
    await user.click(screen.getAllByRole('button', { name: 'Reset' })[2]!);
    await user.type(screen.getByTestId(testIds.config.token('adminToken')), 'new-admin-token');
    await user.clear(screen.getByTestId(testIds.config.receiverUrl));
    await user.type(screen.getByTestId(testIds.config.receiverUrl), 'http://stacklens:4318/');
    await user.type(screen.getByTestId(testIds.config.receiverPublicUrl), 'https://stacklens.example.com');
    await user.click(screen.getByTestId(testIds.config.saveReceiver));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({
      enabled: true,
      pinned: false,
      jsonData: { receiverUrl: 'http://stacklens:4318', receiverPublicUrl: 'https://stacklens.example.com' },
      secureJsonData: { adminToken: 'new-admin-token' },
    });
    expect(screen.getByTestId(testIds.config.token('adminToken'))).toHaveAttribute('type', 'password');
    expect(screen.getByTestId(testIds.config.token('viewerToken'))).toHaveValue('configured');
    expect(document.body.textContent).not.toContain('new-admin-token');
  });

  it('refuses to save without a URL or a token and says why', async () => {
    const { saved, user } = setup({ jsonData: {}, secureJsonFields: { viewerToken: true } });
    await user.type(screen.getByTestId(testIds.config.receiverPublicUrl), 'ftp://nope');
    await user.click(screen.getByTestId(testIds.config.saveReceiver));
    expect(await screen.findByText('Required')).toBeInTheDocument();
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
    expect(screen.getByText(/Required: the receiver’s STACKLENS_ADMIN_TOKEN/)).toBeInTheDocument();
    expect(screen.getByText(/Required: the receiver’s STACKLENS_EDITOR_TOKEN/)).toBeInTheDocument();
    expect(screen.queryByText(/Required: the receiver’s STACKLENS_VIEWER_TOKEN/)).not.toBeInTheDocument();
    await user.type(screen.getByTestId(testIds.config.receiverUrl), 'not a url');
    expect(screen.getByText(/Not a URL/)).toBeInTheDocument();
    expect(saved).toHaveLength(0);
  });

  it('shows why saving failed', async () => {
    const user = userEvent.setup();
    render(
      <ReceiverSettings
        jsonData={{ receiverUrl: 'http://receiver:4318' }}
        secureJsonFields={ALL_SET}
        enabled
        pinned
        onSave={async () => Promise.reject(new Error('Permission denied'))}
      />,
    );
    await user.click(screen.getByTestId(testIds.config.saveReceiver));
    expect(await screen.findByText('Could not save: Permission denied')).toBeInTheDocument();
  });
});
