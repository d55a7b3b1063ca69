import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/ApiRequestError.ts';
import type { AppSettings } from '../../types.ts';
import { testIds } from '../testIds.ts';

/** What Grafana's POST /api/plugins/<id>/settings takes. `secureJsonData` is absent when the token is unchanged. */
export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  secureJsonData?: { receiverToken: string };
}

export interface ReceiverSettingsProps {
  jsonData: AppSettings;
  /** Grafana's secureJsonFields: which secrets are set (their values never reach the browser). */
  tokenSet: boolean;
  enabled: boolean;
  pinned: boolean;
  onSave: (update: PluginSettingsUpdate) => Promise<void>;
}

/** Checks an http(s) URL field; returns the message to show, or undefined. */
export function urlProblem(value: string, required: boolean): string | undefined {
  if (value.trim() === '') return required ? 'Required' : undefined;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// URL';
  } catch {
    return 'Not a URL (e.g. http://stacklens-receiver:4318)';
  }
  return undefined;
}

function withoutSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The receiver's URLs and its admin token, kept by Grafana (the token encrypted, for the proxy route). */
export function ReceiverSettings({ jsonData, tokenSet, enabled, pinned, onSave }: ReceiverSettingsProps) {
  const [receiverUrl, setReceiverUrl] = useState(jsonData.receiverUrl ?? '');
  const [publicUrl, setPublicUrl] = useState(jsonData.receiverPublicUrl ?? '');
  const [token, setToken] = useState('');
  const [tokenConfigured, setTokenConfigured] = useState(tokenSet);
  const [touched, setTouched] = useState(false);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const problems = {
    receiverUrl: urlProblem(receiverUrl, true),
    publicUrl: urlProblem(publicUrl, false),
    token: !tokenConfigured && token.trim() === '' ? 'Required: the receiver’s admin token (STACKLENS_ADMIN_TOKEN)' : undefined,
  };
  const invalid = Object.values(problems).some(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (invalid) return;
    setStatus({ kind: 'saving' });
    const update: PluginSettingsUpdate = {
      enabled: true,
      pinned: pinned || !enabled,
      // Without a trailing slash: the proxy routes append /api to it.
      jsonData: { ...jsonData, receiverUrl: withoutSlash(receiverUrl), receiverPublicUrl: withoutSlash(publicUrl) || undefined },
    };
    // Sent only when typed: an untouched "configured" token stays as Grafana has it.
    if (!tokenConfigured) update.secureJsonData = { receiverToken: token.trim() };
    try {
      await onSave(update);
      setStatus({ kind: 'saved' });
    } catch (error) {
      setStatus({ kind: 'error', message: errorMessage(error) });
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <FieldSet label="Receiver">
        <Field
          label="Receiver URL"
          description="Where the Grafana server reaches the StackLens receiver; the plugin's proxy route forwards the API calls there."
          invalid={touched && Boolean(problems.receiverUrl)}
          error={problems.receiverUrl}
        >
          <Input
            width={60}
            value={receiverUrl}
            placeholder="http://stacklens-receiver:4318"
            onChange={(event) => setReceiverUrl(event.currentTarget.value)}
            data-testid={testIds.config.receiverUrl}
          />
        </Field>
        <Field
          label="Public receiver URL"
          description="Where browsers reach the receiver for the live feed (a WebSocket cannot pass Grafana's proxy). Defaults to the receiver URL."
          invalid={touched && Boolean(problems.publicUrl)}
          error={problems.publicUrl}
        >
          <Input
            width={60}
            value={publicUrl}
            placeholder="https://stacklens.example.com"
            onChange={(event) => setPublicUrl(event.currentTarget.value)}
            data-testid={testIds.config.receiverPublicUrl}
          />
        </Field>
        <Field
          label="Receiver admin token"
          description="Kept encrypted by Grafana and added by its server to every proxied call; it never reaches the browser."
          invalid={touched && Boolean(problems.token)}
          error={problems.token}
        >
          <SecretInput
            width={60}
            value={token}
            isConfigured={tokenConfigured}
            placeholder="STACKLENS_ADMIN_TOKEN"
            onChange={(event) => setToken(event.currentTarget.value)}
            onReset={() => {
              setToken('');
              setTokenConfigured(false);
            }}
            data-testid={testIds.config.receiverToken}
          />
        </Field>
        <Stack gap={2} alignItems="center">
          <Button type="submit" disabled={status.kind === 'saving'} data-testid={testIds.config.saveReceiver}>
            Save receiver settings
          </Button>
          {status.kind === 'saved' && <span role="status">Saved.</span>}
        </Stack>
        {status.kind === 'error' && <Alert severity="error" title={`Could not save: ${status.message}`} />}
      </FieldSet>
    </form>
  );
}
