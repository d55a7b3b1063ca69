import { Alert, Button, Field, Icon, Stack, TextArea } from '@grafana/ui';
import { useState } from 'react';
import { errorMessage } from '../../api/ApiRequestError.ts';
import { useStackLens } from '../../StackLensContext.tsx';
import type { TicketLink } from '../../types.ts';
import { TicketStatusBadge } from '../SeverityBadge.tsx';
import { testIds } from '../testIds.ts';
import { formatDateTime } from '../../format/dates.ts';

export interface TicketSectionProps {
  incidentId: string;
  ticket: TicketLink | null;
  /** Jira's error from the last live ticket.failed event, if any. */
  failure: string | null;
  /** Called after a ticket was linked or queued, so the page re-reads the incident. */
  onChanged: () => void;
}

type Outcome = { kind: 'idle' } | { kind: 'sending' } | { kind: 'queued' } | { kind: 'error'; message: string };

/** The incident's Jira issue and its status, or a form to file one with notes. */
export function TicketSection({ incidentId, ticket, failure, onChanged }: TicketSectionProps) {
  const { api } = useStackLens();
  const [notes, setNotes] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  if (ticket) {
    return (
      <div data-testid={testIds.incident.ticket} data-state="linked">
        <Stack gap={1} alignItems="center">
          <a href={ticket.url} target="_blank" rel="noreferrer">
            <Icon name="external-link-alt" /> {ticket.key}
          </a>
          <TicketStatusBadge status={ticket.status} category={ticket.statusCategory} />
          <span>updated {formatDateTime(ticket.updatedAt)}</span>
        </Stack>
      </div>
    );
  }

  const create = async () => {
    setOutcome({ kind: 'sending' });
    try {
      const result = await api.createTicket(incidentId, notes);
      setOutcome(result.kind === 'queued' ? { kind: 'queued' } : { kind: 'idle' });
      onChanged();
    } catch (error) {
      setOutcome({ kind: 'error', message: errorMessage(error) });
    }
  };

  return (
    <div data-testid={testIds.incident.ticket} data-state={outcome.kind}>
      {failure && outcome.kind !== 'queued' && <Alert severity="error" title={`Jira refused the last attempt: ${failure}`} />}
      {outcome.kind === 'error' && <Alert severity="error" title={`Could not create the ticket: ${outcome.message}`} />}
      {outcome.kind === 'queued' ? (
        <Alert severity="info" title="Ticket queued">
          StackLens is filing the Jira issue; its key appears here when Jira has answered.
        </Alert>
      ) : (
        <>
          <Field label="Notes for the ticket" description="Added to the issue's description, under the incident's details.">
            <TextArea
              rows={3}
              value={notes}
              maxLength={4000}
              onChange={(event) => setNotes(event.currentTarget.value)}
              data-testid={testIds.incident.notes}
              placeholder="What you already know, who is looking at it…"
            />
          </Field>
          <Button
            icon="plus"
            onClick={() => void create()}
            disabled={outcome.kind === 'sending'}
            data-testid={testIds.incident.createTicket}
          >
            {outcome.kind === 'sending' ? 'Creating…' : 'Create Jira ticket'}
          </Button>
        </>
      )}
    </div>
  );
}
