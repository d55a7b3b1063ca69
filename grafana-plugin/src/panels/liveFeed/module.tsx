import { PanelPlugin, type PanelProps } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { useMemo } from 'react';
import { grafanaTransport } from '../../api/grafanaTransport.ts';
import { createStackLensApi } from '../../api/StackLensApi.ts';
import { pageUrlFor } from '../../components/App/AppPages.tsx';
import { PLUGIN_BASE_URL, PLUGIN_ID } from '../../constants.ts';
import { useAsync } from '../../hooks/useAsync.ts';
import { StackLensProvider } from '../../StackLensContext.tsx';
import { SEVERITIES, type AppSettings, type Severity } from '../../types.ts';
import { LiveFeedPanel } from './LiveFeedPanel.tsx';
import { DEFAULT_OPTIONS, type LiveFeedOptions } from './options.ts';

const api = createStackLensApi(grafanaTransport());
const loadSettings = () => getBackendSrv().get<{ jsonData?: AppSettings }>(`/api/plugins/${PLUGIN_ID}/settings`);

/** The panel reads the app's settings (the receiver's public URL) and talks through the app's proxy routes. */
function Panel({ options, height }: PanelProps<LiveFeedOptions>) {
  const settings = useAsync(loadSettings);
  const services = useMemo(() => {
    const jsonData = settings.value?.jsonData;
    return {
      api,
      liveUrl: jsonData?.receiverPublicUrl || jsonData?.receiverUrl,
      pageUrl: pageUrlFor(PLUGIN_BASE_URL),
      navigate: (url: string) => locationService.push(url),
    };
  }, [settings.value]);
  if (settings.error) return <Alert severity="error" title={`The StackLens app is not enabled or not configured: ${settings.error}`} />;
  if (!settings.value) return <LoadingPlaceholder text="Connecting…" />;
  return (
    <StackLensProvider services={services}>
      <LiveFeedPanel options={options} height={height} />
    </StackLensProvider>
  );
}

export const plugin = new PanelPlugin<LiveFeedOptions>(Panel).setPanelOptions((builder) =>
  builder
    .addMultiSelect({
      path: 'severities',
      name: 'Severities',
      description: 'Only incidents of these severities (none chosen: all).',
      defaultValue: DEFAULT_OPTIONS.severities,
      // Grafana types a multi-select's options with the whole list as each value; each option is one severity.
      settings: { options: SEVERITIES.map((value) => ({ label: value, value: value as unknown as Severity[] })) },
    })
    .addTextInput({
      path: 'service',
      name: 'Service',
      description: 'Only this service (empty: all).',
      defaultValue: DEFAULT_OPTIONS.service,
    })
    .addNumberInput({
      path: 'maxRows',
      name: 'Max rows',
      defaultValue: DEFAULT_OPTIONS.maxRows,
      settings: { min: 1, max: 200, integer: true },
    })
    .addBooleanSwitch({ path: 'hideResolved', name: 'Hide resolved', defaultValue: DEFAULT_OPTIONS.hideResolved }),
);
