import { Alert, Icon, Spinner } from '@grafana/ui';
import type { JiraTestResult } from '../../types.ts';
import { testIds } from '../testIds.ts';

export type TestState =
  { kind: 'idle' } | { kind: 'testing' } | { kind: 'done'; result: JiraTestResult } | { kind: 'error'; message: string };

/** The outcome of "Test connection": each check Jira passed or failed, or why the test itself could not run. */
export function TestConnectionResult({ state }: { state: TestState }) {
  switch (state.kind) {
    case 'idle':
      return null;
    case 'testing':
      return (
        <div data-testid={testIds.jira.testResult} data-state="testing" role="status">
          <Spinner inline /> Testing the connection to Jira…
        </div>
      );
    case 'error':
      return (
        <div data-testid={testIds.jira.testResult} data-state="error">
          <Alert severity="error" title="The test could not run">
            {state.message}
          </Alert>
        </div>
      );
    case 'done': {
      const { result } = state;
      return (
        <div data-testid={testIds.jira.testResult} data-state={result.ok ? 'success' : 'failure'}>
          <Alert severity={result.ok ? 'success' : 'error'} title={result.ok ? 'Connected to Jira' : 'Jira connection failed'}>
            <p>{result.message}</p>
            {result.checks.length > 0 && (
              <ul>
                {result.checks.map((check) => (
                  <li key={check.name} data-check={check.name} data-ok={check.ok}>
                    <Icon name={check.ok ? 'check' : 'times'} /> <strong>{check.name}</strong>: {check.message}
                  </li>
                ))}
              </ul>
            )}
          </Alert>
        </div>
      );
    }
  }
}
