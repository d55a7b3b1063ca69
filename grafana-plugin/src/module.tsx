import { AppPlugin, type AppRootProps } from '@grafana/data';
import { config, getBackendSrv, locationService } from '@grafana/runtime';
import { useEffect, useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { grafanaTransport } from './api/grafanaTransport.ts';
import { createStackLensApi } from './api/StackLensApi.ts';
import { AppConfig, type AppConfigProps } from './components/AppConfig/AppConfig.tsx';
import type { PluginSettingsUpdate } from './components/AppConfig/ReceiverSettings.tsx';
import { AppPages, pageOf, pageUrlFor } from './components/App/AppPages.tsx';
import { PLUGIN_BASE_URL, PLUGIN_ID } from './constants.ts';
import { StackLensProvider, type StackLensServices } from './StackLensContext.tsx';
import type { AppSettings } from './types.ts';

const api = createStackLensApi(grafanaTransport());

function servicesFor(settings: AppSettings | undefined): StackLensServices {
  return {
    api,
    liveUrl: settings?.receiverPublicUrl || settings?.receiverUrl || undefined,
    pageUrl: pageUrlFor(PLUGIN_BASE_URL),
    navigate: (url) => locationService.push(url),
    user: { orgRole: config.bootData.user.orgRole, isGrafanaAdmin: config.bootData.user.isGrafanaAdmin },
  };
}

function AppRoot({ meta, basename }: AppRootProps<AppSettings>) {
  const [location, setLocation] = useState(locationService.getLocation());
  useEffect(() => {
    const subscription = locationService.getLocationObservable().subscribe(setLocation);
    return () => subscription.unsubscribe();
  }, []);
  const services = useMemo(() => servicesFor(meta.jsonData), [meta.jsonData]);
  return (
    <StackLensProvider services={services}>
      <AppPages page={pageOf(location.pathname, basename)} search={location.search} />
    </StackLensProvider>
  );
}

async function saveSettings(update: PluginSettingsUpdate): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch({ url: `/api/plugins/${PLUGIN_ID}/settings`, method: 'POST', data: update, showErrorAlert: false }),
  );
  // Grafana keeps the plugin's meta in memory; a reload is the supported way to see the new settings.
  window.location.reload();
}

function ConfigRoot(props: Omit<AppConfigProps, 'saveSettings'>) {
  const services = useMemo(() => servicesFor(props.plugin.meta.jsonData), [props.plugin.meta.jsonData]);
  return (
    <StackLensProvider services={services}>
      <AppConfig {...props} saveSettings={saveSettings} />
    </StackLensProvider>
  );
}

export const plugin = new AppPlugin<AppSettings>().setRootPage(AppRoot).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: ConfigRoot,
  id: 'configuration',
});
