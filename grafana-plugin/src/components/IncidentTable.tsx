import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, Tooltip, useStyles2 } from '@grafana/ui';
import { type MouseEvent } from 'react';
import type { IncidentRow } from '../live/incidentRows.ts';
import { useStackLens } from '../StackLensContext.tsx';
import { isStormTitle } from '../format/template.ts';
import { SeverityBadge, StatusBadge, TicketStatusBadge } from './SeverityBadge.tsx';
import { PageLink } from './PageLink.tsx';
import { ExampleMessage, TemplateText } from './TemplateText.tsx';
import { testIds } from './testIds.ts';
import { formatDateTime } from '../format/dates.ts';

export interface IncidentTableProps {
  rows: readonly IncidentRow[];
  /** Fewer columns for a dashboard panel. */
  compact?: boolean;
  /** Rows touched by a live event within this many ms are highlighted. */
  highlightMs?: number;
  /** The clock the table renders against (see useNow), so rendering stays pure. */
  now: number;
}

/** The live incidents: severity, what and where, how often, and what AI and Jira made of them. */
export function IncidentTable({ rows, compact = false, highlightMs = 10_000, now }: IncidentTableProps) {
  const styles = useStyles2(getStyles);
  const { pageUrl, navigate } = useStackLens();
  if (rows.length === 0) {
    return (
      <div className={styles.empty} data-testid={testIds.live.empty}>
        No incidents match. New errors appear here as they are detected.
      </div>
    );
  }
  const open = (event: MouseEvent<HTMLAnchorElement>, url: string) => {
    if (event.metaKey || event.ctrlKey || event.button !== 0) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <table className={styles.table} data-testid={testIds.live.table}>
      <thead>
        <tr>
          <th>Severity</th>
          <th>Incident</th>
          {!compact && <th>Status</th>}
          <th className={styles.number}>Count</th>
          <th>Stores / kiosks</th>
          <th>Last seen</th>
          {!compact && <th>AI</th>}
          <th>Jira</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const url = pageUrl('incident', { id: row.id });
          const fresh = row.touchedAt !== null && now - row.touchedAt < highlightMs;
          return (
            <tr key={row.id} data-testid={testIds.live.row(row.id)} data-count={row.count} className={cx(fresh && styles.fresh)}>
              <td>
                <SeverityBadge severity={row.severity} />
              </td>
              <td className={styles.title}>
                <a href={url} onClick={(event) => open(event, url)} className={styles.link}>
                  {row.errorType}
                </a>
                <div className={styles.secondary}>
                  {row.service} · <TemplateText template={row.title} />
                </div>
                {row.example !== null && <ExampleMessage message={row.example} className={styles.example} />}
                {row.spikePerMinute !== null && <Badge color="purple" icon="bolt" text={`spike ${Math.round(row.spikePerMinute)}/min`} />}
                {stormBadge(row)}
              </td>
              {!compact && (
                <td>
                  <StatusBadge status={row.status} />
                </td>
              )}
              <td className={styles.number}>{row.count}</td>
              <td className={styles.secondary}>{placeSummary(row)}</td>
              <td className={styles.secondary}>
                <time dateTime={row.lastSeen} title={row.lastSeen}>
                  {timeAgo(row.lastSeen, now)}
                </time>
              </td>
              {!compact && <td>{aiCell(row)}</td>}
              <td>{jiraCell(row)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The storm guard's marks: a storm incident (the receiver's `stormSize`, or the live `storm`
 * event's figures; an incident stored before the receiver kept `stormSize` is known by its
 * title), or an incident grouped under one (`stormId`), linked to the storm.
 */
function stormBadge(row: IncidentRow) {
  if (row.stormId !== undefined) {
    return (
      <span data-storm="member">
        <Badge color="purple" icon="bolt" text="in a storm" tooltip="Its storm's analysis and ticket stand for it" />{' '}
        <PageLink page="incident" params={{ id: row.stormId }}>
          the storm
        </PageLink>
      </span>
    );
  }
  if (row.stormSize !== undefined || row.storm !== null) {
    // The live event counts at the storm's start, the receiver's stormSize as it grows: the larger is the newer.
    const size = Math.max(row.stormSize ?? 0, row.storm?.newIncidents ?? 0);
    const window = row.storm ? ` in ${row.storm.windowSeconds} s` : '';
    return <Badge color="purple" icon="bolt" text={`storm: ${size} new incidents${window}`} data-storm="storm" />;
  }
  return isStormTitle(row.title) ? <Badge color="purple" icon="bolt" text="storm" data-storm="storm" /> : null;
}

function aiCell(row: IncidentRow) {
  if (!row.analysis) return <Badge color="darkgrey" text="pending" />;
  const { analyser, category, confidence, summary } = row.analysis;
  return (
    <Tooltip content={summary}>
      <span>
        <Badge color="brand" icon="ai-sparkle" text={`${category} · ${Math.round(confidence * 100)} %`} />
        {analyser === 'offline' && <span aria-label="offline analyser"> ⌁</span>}
      </span>
    </Tooltip>
  );
}

function jiraCell(row: IncidentRow) {
  if (row.ticket) {
    return (
      <span>
        <a href={row.ticket.url} target="_blank" rel="noreferrer">
          {row.ticket.key} <Icon name="external-link-alt" size="sm" />
        </a>{' '}
        <TicketStatusBadge status={row.ticket.status} category={row.ticket.statusCategory} />
      </span>
    );
  }
  if (row.ticketError) return <Badge color="red" icon="exclamation-triangle" text="ticket failed" tooltip={row.ticketError} />;
  return <span>—</span>;
}

/**
 * Where it happens: the busiest kiosk with its store (`STORE_002/KIOSK_003`: kiosk ids repeat
 * from store to store), how many more kiosks, and how many stores when more than one.
 */
export function placeSummary(row: Pick<IncidentRow, 'storeCounts' | 'kioskCounts'>): string {
  const top = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const stores = top(row.storeCounts);
  const kiosks = top(row.kioskCounts);
  if (stores.length === 0 && kiosks.length === 0) return '—';
  const more = (list: unknown[]) => (list.length > 1 ? ` +${list.length - 1}` : '');
  if (kiosks.length === 0) return `${stores[0]![0]}${more(stores)}`;
  return `${kiosks[0]![0]}${more(kiosks)}${stores.length > 1 ? ` (${stores.length} stores)` : ''}`;
}

export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return formatDateTime(iso);
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: {
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
      background: theme.colors.background.secondary,
    },
  }),
  number: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums' }),
  title: css({ maxWidth: 480 }),
  example: css({ display: 'block', fontSize: theme.typography.bodySmall.fontSize }),
  link: css({ color: theme.colors.text.link, fontWeight: theme.typography.fontWeightMedium }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, wordBreak: 'break-word' }),
  fresh: css({ background: theme.colors.action.selected, transition: 'background 1s' }),
  empty: css({ padding: theme.spacing(4), textAlign: 'center', color: theme.colors.text.secondary }),
});
