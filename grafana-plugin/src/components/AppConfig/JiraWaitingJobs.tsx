import { Alert, Button, Stack } from '@grafana/ui';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/ApiRequestError.ts';
import { useStackLens } from '../../StackLensContext.tsx';
import type { JiraQueueStatus } from '../../types.ts';
import { testIds } from '../testIds.ts';

type RetryState = { kind: 'idle' | 'retrying' } | { kind: 'done'; requeued: number } | { kind: 'error'; message: string };

/**
 * Jira jobs waiting for a fix (a wrong token, a missing permission, a required field): what
 * Jira said and what to change, and a button that queues them again once fixed in Jira itself
 * (saving new settings queues them by itself). Hidden while nothing waits.
 */
export function JiraWaitingJobs() {
  const { api } = useStackLens();
  const [status, setStatus] = useState<JiraQueueStatus>();
  const [retry, setRetry] = useState<RetryState>({ kind: 'idle' });

  const load = useCallback(() => {
    api.jiraStatus().then(setStatus, () => setStatus(undefined));
  }, [api]);
  useEffect(load, [load]);

  const waiting = status?.queue.waiting ?? 0;
  if (waiting === 0 && retry.kind !== 'done') return null;

  const retryNow = async () => {
    setRetry({ kind: 'retrying' });
    try {
      const { requeued } = await api.retryJira();
      setRetry({ kind: 'done', requeued });
      load();
    } catch (error) {
      setRetry({ kind: 'error', message: errorMessage(error) });
    }
  };

  return (
    <div data-testid={testIds.jira.waiting}>
      {waiting > 0 && (
        <Alert severity="warning" title={`${waiting} Jira job${waiting === 1 ? '' : 's'} waiting for a fix`}>
          <Stack direction="column" gap={1}>
            {status?.waiting.slice(0, 5).map((job) => (
              <div key={job.id}>
                {job.kind} for incident {job.incidentId}: {job.lastError}
              </div>
            ))}
            <div>Saving new Jira settings queues them again. After a fix in Jira itself (a permission, a required field), retry:</div>
            <div>
              <Button data-testid={testIds.jira.retry} icon="sync" disabled={retry.kind === 'retrying'} onClick={() => void retryNow()}>
                Retry waiting jobs
              </Button>
            </div>
          </Stack>
        </Alert>
      )}
      {retry.kind === 'done' && <Alert severity="success" title={`${retry.requeued} job${retry.requeued === 1 ? '' : 's'} queued again`} />}
      {retry.kind === 'error' && <Alert severity="error" title={`Retry failed: ${retry.message}`} />}
    </div>
  );
}
