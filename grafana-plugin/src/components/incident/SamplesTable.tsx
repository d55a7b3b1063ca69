import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ClipboardButton, useStyles2 } from '@grafana/ui';
import type { IncidentSample } from '../../types.ts';
import { testIds } from '../testIds.ts';
import { formatDateTime } from '../../format/dates.ts';

/** The latest occurrences with their trace ids, the way into the traces of the failed requests. */
export function SamplesTable({ samples }: { samples: IncidentSample[] }) {
  const styles = useStyles2(getStyles);
  if (samples.length === 0) return <p data-testid={testIds.incident.samples}>No samples kept.</p>;
  return (
    <table className={styles.table} data-testid={testIds.incident.samples}>
      <thead>
        <tr>
          <th>Time</th>
          <th>Store / kiosk</th>
          <th>Message</th>
          <th>Trace id</th>
        </tr>
      </thead>
      <tbody>
        {samples.map((sample, index) => (
          <tr key={`${sample.timestamp}-${sample.spanId}-${index}`}>
            <td className={styles.nowrap}>{formatDateTime(sample.timestamp)}</td>
            <td className={styles.nowrap}>
              {sample.storeId || '—'} / {sample.kioskId || '—'}
            </td>
            <td className={styles.body}>{sample.body}</td>
            <td className={styles.nowrap}>
              {sample.traceId ? (
                <>
                  <code>{sample.traceId}</code>{' '}
                  <ClipboardButton
                    size="sm"
                    variant="secondary"
                    fill="text"
                    icon="copy"
                    getText={() => sample.traceId}
                    aria-label="Copy trace id"
                  />
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  nowrap: css({ whiteSpace: 'nowrap', fontSize: theme.typography.bodySmall.fontSize }),
  body: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize, wordBreak: 'break-word' }),
});
