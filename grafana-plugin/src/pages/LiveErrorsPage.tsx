import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Stack, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { ConnectionStatus } from '../components/ConnectionStatus.tsx';
import { IncidentFilters } from '../components/IncidentFilters.tsx';
import { IncidentTable } from '../components/IncidentTable.tsx';
import { StatsHeader } from '../components/StatsHeader.tsx';
import { testIds } from '../components/testIds.ts';
import { useDebounced } from '../hooks/useDebounced.ts';
import { useLiveIncidents } from '../hooks/useLiveIncidents.ts';
import { EMPTY_FILTER, visibleRows, type RowFilter } from '../live/incidentRows.ts';

/** Typing settles this long before the receiver is asked. */
const SEARCH_DELAY_MS = 300;

/** Live errors: the stats header and every incident, updated by the live feed without a reload. */
export function LiveErrorsPage() {
  const styles = useStyles2(getStyles);
  const [filter, setFilter] = useState<RowFilter>(EMPTY_FILTER);
  const search = useDebounced(filter.search.trim(), SEARCH_DELAY_MS);
  const { rows, connection, detectedPerMinute, revision, error, matches, searchError } = useLiveIncidents(search);
  const now = useNow(5_000, revision);
  // The receiver's matches count only for the text typed now (not one it is still being asked about).
  const current = matches?.text === filter.search.trim() ? matches : undefined;
  const visible = useMemo(() => visibleRows(rows, filter, Infinity, current?.ids), [rows, filter, current]);
  const services = useMemo(() => unique([...rows.values()].map((row) => row.service)), [rows]);
  const stores = useMemo(() => unique([...rows.values()].flatMap((row) => Object.keys(row.storeCounts))), [rows]);

  return (
    <PluginPage>
      <div data-testid={testIds.live.page} className={styles.page}>
        <Stack justifyContent="space-between" alignItems="center">
          <Text element="h2">Live errors</Text>
          <ConnectionStatus state={connection} />
        </Stack>
        <StatsHeader revision={revision} detectedPerMinute={detectedPerMinute} />
        {error && <Alert severity="error" title={error} />}
        <IncidentFilters filter={filter} onChange={setFilter} services={services} stores={stores} />
        {searchError && <Alert severity="warning" title={`${searchError}. Showing the incidents whose titles match.`} />}
        {filter.search.trim() !== '' && (
          <div className={styles.count} data-testid={testIds.live.searching} data-state={current ? 'done' : 'searching'}>
            {current
              ? `The receiver found ${current.total} incident${current.total === 1 ? '' : 's'} whose title, ids or messages hold “${current.text}”.`
              : 'Searching the receiver (titles, ids and the raw messages of the samples)…'}
          </div>
        )}
        <div className={styles.count}>
          {visible.length === rows.size ? incidentCount(rows.size) : `${visible.length} of ${incidentCount(rows.size)}`}
        </div>
        <IncidentTable rows={visible} now={now} />
      </div>
    </PluginPage>
  );
}

/** The current time, refreshed every `intervalMs` and whenever `revision` changes (for "x s ago"). */
export function useNow(intervalMs: number, revision: number): number {
  const [now, setNow] = useState(Date.now);
  // A new revision (a live event) restarts the clock: one tick right after the commit, then every
  // intervalMs. The ticks are timer callbacks, so no render cascades synchronously from the effect.
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs, revision]);
  return now;
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))].sort();
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  count: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});

function incidentCount(count: number): string {
  return `${count} incident${count === 1 ? '' : 's'}`;
}
