import { Alert, Button, Field, FieldSet, InlineField, Input, LoadingPlaceholder, SecretInput, Stack, Switch, TagsInput } from '@grafana/ui';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiRequestError, errorMessage } from '../../api/ApiRequestError.ts';
import { useStackLens } from '../../StackLensContext.tsx';
import { SEVERITIES, type JiraSettingsView } from '../../types.ts';
import { testIds } from '../testIds.ts';
import { formFromSettings, settingsFromForm, validateJiraForm, type JiraFormValues } from './jiraForm.ts';
import { TestConnectionResult, type TestState } from './TestConnectionResult.tsx';
import { LastTest, lastTestOf, type LastTestState } from './LastTest.tsx';

type SaveState = { kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string };

/**
 * The Jira integration, stored by the receiver (the token sealed there, never returned): site,
 * account, project, issue type, priorities, labels and automation, with a connection test.
 */
export function JiraSettingsForm() {
  const { api } = useStackLens();
  const [loaded, setLoaded] = useState<{ settings: JiraSettingsView | null } | { error: string; status?: number }>();
  const [values, setValues] = useState<JiraFormValues>(formFromSettings(null));
  const [dirty, setDirty] = useState(false);
  const [touched, setTouched] = useState(false);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [lastTest, setLastTest] = useState<LastTestState>(lastTestOf.settings(null));

  useEffect(() => {
    let cancelled = false;
    api.jiraSettings().then(
      (settings) => {
        if (cancelled) return;
        setLoaded({ settings });
        setValues(formFromSettings(settings));
        setLastTest(lastTestOf.settings(settings));
      },
      (error: unknown) =>
        !cancelled && setLoaded({ error: errorMessage(error), status: error instanceof ApiRequestError ? error.status : undefined }),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  if (!loaded) return <LoadingPlaceholder text="Loading the Jira settings…" />;
  if ('error' in loaded) {
    return (
      <Alert severity="error" title={`Could not read the Jira settings from the receiver: ${loaded.error}`}>
        {loaded.status === 403
          ? 'The integration settings are for Grafana Admins: the plugin’s proxy route refuses them to other roles.'
          : 'Check the receiver URL and tokens above, save them, and reload this page.'}
      </Alert>
    );
  }

  const errors = validateJiraForm(values);
  const invalid = Object.keys(errors).length > 0;
  const shown = (field: keyof typeof errors) => (touched ? errors[field] : undefined);
  const set = (patch: Partial<JiraFormValues>) => {
    setValues((current) => ({ ...current, ...patch }));
    setDirty(true);
    setSave({ kind: 'idle' });
  };

  const persist = async (): Promise<boolean> => {
    setTouched(true);
    if (invalid) return false;
    setSave({ kind: 'saving' });
    try {
      const saved = await api.saveJiraSettings(settingsFromForm(values));
      setValues(formFromSettings(saved));
      setDirty(false);
      setSave({ kind: 'saved' });
      return true;
    } catch (error) {
      setSave({ kind: 'error', message: errorMessage(error) });
      return false;
    }
  };

  const runTest = async () => {
    if (dirty && !(await persist())) return;
    setTest({ kind: 'testing' });
    try {
      const result = await api.testJira();
      setTest({ kind: 'done', result });
      setLastTest(lastTestOf.result(result));
    } catch (error) {
      setTest({ kind: 'error', message: errorMessage(error) });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void persist();
  };

  return (
    <form onSubmit={submit} noValidate data-testid={testIds.jira.form}>
      <FieldSet label="Jira">
        <Field label="Jira site" description="Your Jira Cloud site." invalid={Boolean(shown('baseUrl'))} error={shown('baseUrl')}>
          <Input
            width={60}
            value={values.baseUrl}
            placeholder="https://your-team.atlassian.net"
            onChange={(event) => set({ baseUrl: event.currentTarget.value })}
            data-testid={testIds.jira.baseUrl}
          />
        </Field>
        <Field
          label="E-mail"
          description="The Atlassian account that files the tickets."
          invalid={Boolean(shown('email'))}
          error={shown('email')}
        >
          <Input
            width={60}
            type="email"
            value={values.email}
            placeholder="stacklens-bot@example.com"
            onChange={(event) => set({ email: event.currentTarget.value })}
            data-testid={testIds.jira.email}
          />
        </Field>
        <Field
          label="API token"
          description="Write-only: the receiver keeps it encrypted and never sends it back. Reset to enter a new one."
          invalid={Boolean(shown('apiToken'))}
          error={shown('apiToken')}
        >
          <SecretInput
            width={60}
            value={values.apiToken}
            isConfigured={values.apiTokenSet}
            placeholder="Atlassian API token"
            onChange={(event) => set({ apiToken: event.currentTarget.value })}
            onReset={() => set({ apiToken: '', apiTokenSet: false })}
            data-testid={testIds.jira.apiToken}
          />
        </Field>
        <Field label="Project key" invalid={Boolean(shown('projectKey'))} error={shown('projectKey')}>
          <Input
            width={20}
            value={values.projectKey}
            placeholder="POS"
            onChange={(event) => set({ projectKey: event.currentTarget.value.toUpperCase() })}
            data-testid={testIds.jira.projectKey}
          />
        </Field>
        <Field label="Issue type" invalid={Boolean(shown('issueType'))} error={shown('issueType')}>
          <Input
            width={20}
            value={values.issueType}
            placeholder="Bug"
            onChange={(event) => set({ issueType: event.currentTarget.value })}
            data-testid={testIds.jira.issueType}
          />
        </Field>
        <Field label="Priority mapping" description="The Jira priority each incident severity gets (names as in your Jira).">
          <Stack direction="column" gap={0.5}>
            {SEVERITIES.map((severity) => (
              <InlineField key={severity} label={severity} labelWidth={14}>
                <Input
                  width={24}
                  value={values.priorityMap[severity]}
                  onChange={(event) => set({ priorityMap: { ...values.priorityMap, [severity]: event.currentTarget.value } })}
                  data-testid={testIds.jira.priority(severity)}
                />
              </InlineField>
            ))}
          </Stack>
        </Field>
        <Field
          label="Labels"
          description="Added to every ticket StackLens files."
          invalid={Boolean(shown('labels'))}
          error={shown('labels')}
        >
          <div data-testid={testIds.jira.labels}>
            <TagsInput tags={values.labels} onChange={(labels) => set({ labels })} placeholder="New label (Enter)" width={60} />
          </div>
        </Field>
        <InlineField label="Integration enabled" labelWidth={24} tooltip="Off: no ticket is filed, not even by hand.">
          <Switch
            value={values.enabled}
            onChange={(event) => set({ enabled: event.currentTarget.checked })}
            data-testid={testIds.jira.enabled}
          />
        </InlineField>
        <InlineField
          label="Create tickets automatically"
          labelWidth={24}
          tooltip="Files a ticket when an incident's rule says so (auto policy); otherwise only by hand from the incident page."
        >
          <Switch
            value={values.autoCreate}
            onChange={(event) => set({ autoCreate: event.currentTarget.checked })}
            data-testid={testIds.jira.autoCreate}
          />
        </InlineField>
        <Stack gap={2} alignItems="center">
          <Button type="submit" disabled={save.kind === 'saving'} data-testid={testIds.jira.save}>
            Save Jira settings
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon="sync"
            disabled={test.kind === 'testing' || save.kind === 'saving'}
            onClick={() => void runTest()}
            data-testid={testIds.jira.test}
          >
            {dirty ? 'Save and test connection' : 'Test connection'}
          </Button>
          {save.kind === 'saved' && <span role="status">Saved.</span>}
          <LastTest state={lastTest} />
        </Stack>
        {touched && invalid && <Alert severity="warning" title="Some fields need attention before saving." />}
        {save.kind === 'error' && <Alert severity="error" title={`The receiver refused the settings: ${save.message}`} />}
        <TestConnectionResult state={test} />
      </FieldSet>
    </form>
  );
}
