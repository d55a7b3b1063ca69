import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/ApiRequestError.ts';
import { TOKEN_KEYS, type TokenKey } from '../../constants.ts';
import type { AppSettings } from '../../types.ts';
import { testIds } from '../testIds.ts';

/** What Grafana's POST /api/plugins/<id>/settings takes. `secureJsonData` holds only the tokens typed anew. */
export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  secureJsonData?: Partial<Record<TokenKey, string>>;
}

export interface ReceiverSettingsProps {
  jsonData: AppSettings;
  /** Grafana's secureJsonFields: which secrets are set (their values never reach the browser). */
  secureJsonFields: Partial<Record<string, boolean>>;
  enabled: boolean;
  pinned: boolean;
  onSave: (update: PluginSettingsUpdate) => Promise<void>;
}

/** What each token is for: the proxy route that adds it, and the receiver variable it comes from. */
const TOKENS: Record<TokenKey, { label: string; description: string; source: string }> = {
  viewerToken: {
    label: 'Receiver viewer token',
    description: 'Added to reads (statistics, incidents, the live-feed ticket): what every Grafana Viewer may do.',
    source: 'STACKLENS_VIEWER_TOKEN',
  },
  editorToken: {
    label: 'Receiver editor token',
    description: 'Added to incident actions (acknowledge, resolve, Jira ticket), which Grafana lets Editors use.',
    source: 'STACKLENS_EDITOR_TOKEN',
  },
  adminToken: {
    label: 'Receiver admin token',
    description: 'Added only to the integration settings on this page and to merging incidents, which Grafana lets Admins use.',
    source: 'STACKLENS_ADMIN_TOKEN',
  },
};

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

type TokenState = Record<TokenKey, { value: string; configured: boolean }>;

/**
 * The receiver's URLs and its three tokens, kept by Grafana (the tokens encrypted, for the proxy
 * routes). The tokens are write-only: a stored one shows as "configured" and is sent again only
 * after Reset and a new value.
 */
export function ReceiverSettings({ jsonData, secureJsonFields, enabled, pinned, onSave }: ReceiverSettingsProps) {
  const [receiverUrl, setReceiverUrl] = useState(jsonData.receiverUrl ?? '');
  const [publicUrl, setPublicUrl] = useState(jsonData.receiverPublicUrl ?? '');
  const [tokens, setTokens] = useState<TokenState>(
    () => Object.fromEntries(TOKEN_KEYS.map((key) => [key, { value: '', configured: Boolean(secureJsonFields[key]) }])) as TokenState,
  );
  const [touched, setTouched] = useState(false);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const tokenProblem = (key: TokenKey) =>
    !tokens[key].configured && tokens[key].value.trim() === '' ? `Required: the receiver’s ${TOKENS[key].source}` : undefined;
  const problems = [urlProblem(receiverUrl, true), urlProblem(publicUrl, false), ...TOKEN_KEYS.map(tokenProblem)];
  const invalid = problems.some(Boolean);
  const setToken = (key: TokenKey, value: { value: string; configured: boolean }) => setTokens((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (invalid) return;
    setStatus({ kind: 'saving' });
    const update: PluginSettingsUpdate = {
      enabled: true,
      pinned: pinned || !enabled,
      // Without a trailing slash: the proxy routes append /api/… to it.
      jsonData: { ...jsonData, receiverUrl: withoutSlash(receiverUrl), receiverPublicUrl: withoutSlash(publicUrl) || undefined },
    };
    // Sent only when typed: an untouched "configured" token stays as Grafana has it.
    const typed = TOKEN_KEYS.filter((key) => !tokens[key].configured).map((key) => [key, tokens[key].value.trim()] as const);
    if (typed.length > 0) update.secureJsonData = Object.fromEntries(typed);
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
          description="Where the Grafana server reaches the StackLens receiver; the plugin's proxy routes forward the API calls there."
          invalid={touched && Boolean(problems[0])}
          error={problems[0]}
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
          invalid={touched && Boolean(problems[1])}
          error={problems[1]}
        >
          <Input
            width={60}
            value={publicUrl}
            placeholder="https://stacklens.example.com"
            onChange={(event) => setPublicUrl(event.currentTarget.value)}
            data-testid={testIds.config.receiverPublicUrl}
          />
        </Field>
        {TOKEN_KEYS.map((key) => (
          <Field
            key={key}
            label={TOKENS[key].label}
            description={`${TOKENS[key].description} Kept encrypted by Grafana and added by its server; it never reaches the browser.`}
            invalid={touched && Boolean(tokenProblem(key))}
            error={tokenProblem(key)}
          >
            <SecretInput
              width={60}
              value={tokens[key].value}
              isConfigured={tokens[key].configured}
              placeholder={TOKENS[key].source}
              onChange={(event) => setToken(key, { value: event.currentTarget.value, configured: false })}
              onReset={() => setToken(key, { value: '', configured: false })}
              data-testid={testIds.config.token(key)}
            />
          </Field>
        ))}
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
