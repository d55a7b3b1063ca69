import { createTheme, type AppPluginMeta } from '@grafana/data';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { fetchTransport } from '../src/api/fetchTransport.ts';
import { createStackLensApi } from '../src/api/StackLensApi.ts';
import { AppPages, pageOf, pageUrlFor } from '../src/components/App/AppPages.tsx';
import { AppConfig } from '../src/components/AppConfig/AppConfig.tsx';
import type { PluginSettingsUpdate } from '../src/components/AppConfig/ReceiverSettings.tsx';
import { PLUGIN_ID } from '../src/constants.ts';
import { StackLensProvider, type StackLensServices } from '../src/StackLensContext.tsx';
import type { AppSettings } from '../src/types.ts';

/** The harness's stand-in for Grafana's shell: its theme, a location, the plugin's settings. */
interface PluginSettingsResponse {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  secureJsonFields: Record<string, boolean>;
}

const api = createStackLensApi(fetchTransport());
const mode = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });

function navigate(url: string): void {
  window.history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** GET /api/user as the harness serves it. */
interface HarnessUser {
  login: string;
  name: string;
  orgRole: string;
  isGrafanaAdmin: boolean;
}

function Harness({ settings, user }: { settings: PluginSettingsResponse; user: HarnessUser }) {
  const [location, setLocation] = useState({ pathname: window.location.pathname, search: window.location.search });
  useEffect(() => {
    const update = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  const services = useMemo<StackLensServices>(
    () => ({
      api,
      liveUrl: settings.jsonData.receiverPublicUrl || settings.jsonData.receiverUrl,
      pageUrl: pageUrlFor(''),
      navigate,
      user: { orgRole: user.orgRole, isGrafanaAdmin: user.isGrafanaAdmin },
    }),
    [settings, user],
  );
  const page = pageOf(location.pathname, '');
  const body =
    page === 'config' ? (
      <AppConfig
        plugin={{ meta: { id: PLUGIN_ID, ...settings } as unknown as AppPluginMeta<AppSettings> } as never}
        query={{}}
        saveSettings={saveSettings}
      />
    ) : (
      <AppPages page={page} search={location.search} />
    );
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 24, maxWidth: 1400, margin: '0 auto' }}>
        <div style={{ textAlign: 'right', fontSize: 12, opacity: 0.7 }} data-testid="harness-user" data-role={user.orgRole}>
          Signed in to the harness as {user.name} ({user.orgRole})
        </div>
        <StackLensProvider services={services}>{body}</StackLensProvider>
      </div>
    </ThemeContext.Provider>
  );
}

async function saveSettings(update: PluginSettingsUpdate): Promise<void> {
  const response = await fetch(`/api/plugins/${PLUGIN_ID}/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `HTTP ${response.status}`);
  }
}

const settings = (await (await fetch(`/api/plugins/${PLUGIN_ID}/settings`)).json()) as PluginSettingsResponse;
const user = (await (await fetch('/api/user')).json()) as HarnessUser;
createRoot(document.getElementById('root')!).render(<Harness settings={settings} user={user} />);
