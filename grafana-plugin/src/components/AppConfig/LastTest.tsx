import { Badge, Stack } from '@grafana/ui';
import { formatDateTime } from '../../format/dates.ts';
import type { JiraSettingsView, JiraTestResult } from '../../types.ts';
import { testIds } from '../testIds.ts';

/** The last connection test the receiver recorded: when, and whether it passed (and why not). */
export interface LastTestState {
  at: string | null;
  ok: boolean | null;
  error: string | null;
}

export const lastTestOf = {
  settings: (settings: JiraSettingsView | null): LastTestState => ({
    at: settings?.lastTestedAt ?? null,
    ok: settings?.testStatus === 'ok' ? true : settings?.testStatus === 'failed' ? false : null,
    error: settings?.testError ?? null,
  }),
  result: (result: JiraTestResult): LastTestState => ({ at: result.testedAt, ok: result.ok, error: result.ok ? null : result.message }),
};

export function LastTest({ state }: { state: LastTestState }) {
  if (!state.at) {
    return (
      <span data-testid={testIds.jira.lastTested} data-state="never">
        Never tested
      </span>
    );
  }
  return (
    <Stack gap={1} alignItems="center" data-testid={testIds.jira.lastTested} data-state={state.ok ? 'ok' : 'failed'}>
      {state.ok ? <Badge color="green" icon="check" text="Passed" /> : <Badge color="red" icon="exclamation-triangle" text="Failed" />}
      <span>
        Last tested {formatDateTime(state.at)}
        {state.ok === false && state.error ? `: ${state.error}` : ''}
      </span>
    </Stack>
  );
}
