import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';
import { ConnectionStatus } from '../../components/ConnectionStatus.tsx';
import { IncidentTable } from '../../components/IncidentTable.tsx';
import { useLiveIncidents } from '../../hooks/useLiveIncidents.ts';
import { visibleRows } from '../../live/incidentRows.ts';
import { useNow } from '../../pages/LiveErrorsPage.tsx';
import { DEFAULT_OPTIONS, type LiveFeedOptions } from './options.ts';

/** The live error feed on any dashboard: the newest incidents, filtered by the panel's options. */
export function LiveFeedPanel({ options, height }: { options: Partial<LiveFeedOptions>; height: number }) {
  const styles = useStyles2(getStyles);
  const { severities, service, maxRows, hideResolved } = { ...DEFAULT_OPTIONS, ...options };
  const { rows, connection, revision, error } = useLiveIncidents();
  const now = useNow(5_000, revision);
  const visible = useMemo(
    () =>
      visibleRows(
        rows,
        { severity: severities, status: hideResolved ? ['open', 'acknowledged'] : [], service, store: '', search: '' },
        Math.max(1, maxRows),
      ),
    [rows, severities, service, maxRows, hideResolved],
  );
  return (
    <div className={styles.panel} style={{ height }}>
      <div className={styles.header}>
        <ConnectionStatus state={connection} />
      </div>
      {error && <Alert severity="error" title={error} />}
      <IncidentTable rows={visible} compact now={now} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ overflow: 'auto', display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  header: css({ display: 'flex', justifyContent: 'flex-end' }),
});
