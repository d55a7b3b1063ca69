import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert } from '@grafana/ui';
import type { AppSettings } from '../../types.ts';
import { JiraSettingsForm } from './JiraSettingsForm.tsx';
import { JiraWaitingJobs } from './JiraWaitingJobs.tsx';
import { ReceiverSettings, type PluginSettingsUpdate } from './ReceiverSettings.tsx';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {
  /** Stores the plugin settings in Grafana (POST /api/plugins/<id>/settings). */
  saveSettings: (update: PluginSettingsUpdate) => Promise<void>;
}

/** The configuration page: the receiver (kept by Grafana) and the Jira integration (kept by the receiver). */
export function AppConfig({ plugin, saveSettings }: AppConfigProps) {
  const { jsonData, secureJsonFields, enabled, pinned } = plugin.meta;
  // The Jira settings go through the admin route: they need the URL and the admin token.
  const configured = Boolean(jsonData?.receiverUrl) && Boolean(secureJsonFields?.adminToken);
  return (
    <div>
      <ReceiverSettings
        jsonData={jsonData ?? {}}
        secureJsonFields={secureJsonFields ?? {}}
        enabled={Boolean(enabled)}
        pinned={Boolean(pinned)}
        onSave={saveSettings}
      />
      {configured ? (
        <>
          <JiraSettingsForm />
          <JiraWaitingJobs />
        </>
      ) : (
        <Alert severity="info" title="Jira settings">
          Save the receiver’s URL and tokens first: the Jira settings live in the receiver and are edited through it.
        </Alert>
      )}
    </div>
  );
}
