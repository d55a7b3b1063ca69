import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ClipboardButton, InteractiveTable, useStyles2, type CellProps, type Column } from '@grafana/ui';
import { useMemo } from 'react';
import { formatDateTime } from '../../format/dates.ts';
import type { IncidentSample } from '../../types.ts';
import { testIds } from '../testIds.ts';

type SampleRow = IncidentSample & { rowId: string };
type Cell = CellProps<SampleRow>;

/** The latest occurrences with their trace ids, the way into the traces of the failed requests (Grafana's InteractiveTable, sortable). */
export function SamplesTable({ samples }: { samples: IncidentSample[] }) {
  const styles = useStyles2(getStyles);
  const rows = useMemo(
    () => samples.map((sample, index) => ({ ...sample, rowId: `${sample.timestamp}-${sample.spanId}-${index}` })),
    [samples],
  );
  const columns = useMemo<Array<Column<SampleRow>>>(
    () => [
      {
        id: 'timestamp',
        header: 'Time',
        sortType: 'string',
        cell: ({ row }: Cell) => <span className={styles.nowrap}>{formatDateTime(row.original.timestamp)}</span>,
      },
      {
        id: 'storeId',
        header: 'Store / kiosk',
        sortType: 'string',
        cell: ({ row }: Cell) => (
          <span className={styles.nowrap}>
            {row.original.storeId || '—'} / {row.original.kioskId || '—'}
          </span>
        ),
      },
      { id: 'body', header: 'Message', cell: ({ row }: Cell) => <span className={styles.body}>{row.original.body}</span> },
      {
        id: 'traceId',
        header: 'Trace id',
        cell: ({ row }: Cell) =>
          row.original.traceId ? (
            <span className={styles.nowrap}>
              <code>{row.original.traceId}</code>{' '}
              <ClipboardButton
                size="sm"
                variant="secondary"
                fill="text"
                icon="copy"
                getText={() => row.original.traceId}
                aria-label="Copy trace id"
              />
            </span>
          ) : (
            '—'
          ),
      },
    ],
    [styles],
  );
  if (samples.length === 0) return <p data-testid={testIds.incident.samples}>No samples kept.</p>;
  return (
    <div data-testid={testIds.incident.samples}>
      <InteractiveTable columns={columns} data={rows} getRowId={(row: SampleRow) => row.rowId} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  nowrap: css({ whiteSpace: 'nowrap', fontSize: theme.typography.bodySmall.fontSize }),
  body: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize, wordBreak: 'break-word' }),
});
