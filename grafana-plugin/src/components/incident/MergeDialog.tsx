import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, FilterInput, LoadingPlaceholder, Modal, Stack, useStyles2 } from '@grafana/ui';
import { useCallback, useState } from 'react';
import { adminActionError } from '../../api/actionErrors.ts';
import { useAsync } from '../../hooks/useAsync.ts';
import { useDebounced } from '../../hooks/useDebounced.ts';
import { useStackLens } from '../../StackLensContext.tsx';
import type { Incident, IncidentListItem } from '../../types.ts';
import { SeverityBadge } from '../SeverityBadge.tsx';
import { TemplateText } from '../TemplateText.tsx';
import { testIds } from '../testIds.ts';

export interface MergeDialogProps {
  /** The incident that goes into another. */
  incident: Incident;
  onDismiss: () => void;
  /** Told the survivor after the receiver merged. */
  onMerged: (survivor: Incident) => void;
}

/** A target the person picked: from the search, or an id typed as it is. */
type Target = Pick<IncidentListItem, 'id'> & Partial<IncidentListItem>;

const SEARCH_DELAY_MS = 300;

/**
 * Merge this incident into another: find the target (by id, or any text the receiver's search
 * knows — a product id, an order id, an error type), then confirm what the merge does.
 */
export function MergeDialog({ incident, onDismiss, onMerged }: MergeDialogProps) {
  const styles = useStyles2(getStyles);
  const { api } = useStackLens();
  const [query, setQuery] = useState('');
  const [target, setTarget] = useState<Target>();
  const [error, setError] = useState<string>();
  const [merging, setMerging] = useState(false);
  const text = useDebounced(query.trim(), SEARCH_DELAY_MS);
  const candidates = useAsync(
    useCallback(async () => (await api.incidents(text === '' ? { limit: 20 } : { text, limit: 20 })).items, [api, text]),
  );
  const others = (candidates.value ?? []).filter((candidate) => candidate.id !== incident.id);
  // A pasted id the list does not show (older than the first page) can still be the target.
  const typedId = text !== '' && text !== incident.id && !others.some((candidate) => candidate.id === text) ? text : undefined;

  const merge = async (into: Target) => {
    setMerging(true);
    try {
      onMerged(await api.merge(incident.id, into.id));
    } catch (failure) {
      setError(adminActionError(`merge ${incident.id} into ${into.id}`, failure));
      setMerging(false);
    }
  };

  return (
    <Modal title="Merge into another incident" isOpen onDismiss={onDismiss}>
      <div data-testid={testIds.merge.dialog} data-step={target ? 'confirm' : 'pick'}>
        {error && <Alert severity="error" title={error} data-testid={testIds.merge.error} />}
        {target ? (
          <Stack direction="column" gap={2}>
            <p data-testid={testIds.merge.confirmation}>
              Merge <strong>{incident.errorType}</strong> ({incident.count} occurrences, <code>{incident.id}</code>) into{' '}
              <strong>{target.errorType ?? 'the incident'}</strong>
              {target.count !== undefined && ` (${target.count} occurrences)`} <code>{target.id}</code>?
            </p>
            <ul className={styles.consequences}>
              <li>Its occurrences, stores and kiosks add up in the incident it joins; its id opens that incident from now on.</li>
              <li>
                The ticket and the analysis of the incident it joins stand for both; when only this one has a ticket, the ticket moves.
              </li>
              <li>Both audit trails record the merge. An Admin can undo it with Unmerge on this incident’s page.</li>
            </ul>
            <Modal.ButtonRow>
              <Button variant="secondary" onClick={() => setTarget(undefined)} disabled={merging}>
                Back
              </Button>
              <Button variant="destructive" onClick={() => void merge(target)} disabled={merging} data-testid={testIds.merge.confirm}>
                {merging ? 'Merging…' : 'Merge'}
              </Button>
            </Modal.ButtonRow>
          </Stack>
        ) : (
          <Stack direction="column" gap={1}>
            <FilterInput
              placeholder="Incident id, or text to search: error type, product or order id…"
              value={query}
              onChange={setQuery}
              escapeRegex={false}
              data-testid={testIds.merge.search}
            />
            {candidates.error && <Alert severity="error" title={`Could not search the incidents: ${candidates.error}`} />}
            {candidates.loading && !candidates.value ? <LoadingPlaceholder text="Searching…" /> : null}
            <ul className={styles.candidates} data-testid={testIds.merge.candidates}>
              {typedId && (
                <li>
                  <Button
                    variant="secondary"
                    fill="text"
                    onClick={() => setTarget({ id: typedId })}
                    data-testid={testIds.merge.pick(typedId)}
                  >
                    Use the id <code>{typedId}</code>
                  </Button>
                </li>
              )}
              {others.map((candidate) => (
                <li key={candidate.id}>
                  <Button
                    variant="secondary"
                    fill="text"
                    className={styles.candidate}
                    onClick={() => setTarget(candidate)}
                    data-testid={testIds.merge.pick(candidate.id)}
                  >
                    <SeverityBadge severity={candidate.severity} /> <strong>{candidate.errorType}</strong> · {candidate.service} ·{' '}
                    <TemplateText template={candidate.title} /> · {candidate.count}×
                  </Button>
                </li>
              ))}
              {!candidates.loading && others.length === 0 && !typedId && <li>No other incident matches.</li>}
            </ul>
          </Stack>
        )}
      </div>
    </Modal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  consequences: css({ paddingLeft: theme.spacing(2), color: theme.colors.text.secondary }),
  candidates: css({ listStyle: 'none', padding: 0, margin: 0, maxHeight: 360, overflowY: 'auto' }),
  candidate: css({ textAlign: 'left', height: 'auto', whiteSpace: 'normal' }),
});
