import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { ReactNode } from 'react';
import { PageLink } from '../PageLink.tsx';
import type { AuditEntry } from '../../types.ts';
import { testIds } from '../testIds.ts';
import { formatPreciseDateTime } from '../../format/dates.ts';

/** What happened to the incident and when, oldest first: the proof that nobody touched it (or who did). */
export function AuditTrail({ entries }: { entries: AuditEntry[] }) {
  const styles = useStyles2(getStyles);
  return (
    <ol className={styles.list} data-testid={testIds.incident.audit}>
      {entries.map((entry, index) => (
        <li key={`${entry.at}-${entry.stage}-${index}`} data-stage={entry.stage}>
          <time dateTime={entry.at} className={styles.time}>
            {formatPreciseDateTime(entry.at)}
          </time>
          <span className={styles.stage}>{entry.stage}</span>
          <span>{MERGE_STAGES.has(entry.stage) ? withIncidentLinks(entry.detail, styles.link) : entry.detail}</span>
          <span className={styles.actor} title={entry.actor}>
            by {actorLabel(entry.actor)}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The stages of a merge (processor IncidentTracker: `merged`, `unmerged`), whose details name the other incident. */
const MERGE_STAGES = new Set(['merged', 'unmerged']);

/**
 * The detail with each `incident <id>` linked to that incident's page ("merged incident 3f… (4
 * occurrences) into this one", "merged into incident 9a…"), so a merge can be followed both ways
 * and undone from the merged incident's page.
 */
export function withIncidentLinks(detail: string, className?: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of detail.matchAll(/\bincident ([^\s:(),]+)/g)) {
    const start = match.index + 'incident '.length;
    parts.push(detail.slice(last, start));
    parts.push(
      <PageLink key={start} page="incident" params={{ id: match[1]! }} className={className}>
        {match[1]!}
      </PageLink>,
    );
    last = start + match[1]!.length;
  }
  parts.push(detail.slice(last));
  return parts;
}

/** The receiver records a Grafana user who acted through the plugin as `grafana:<login>`. */
export function actorLabel(actor: string): string {
  const grafanaUser = /^grafana:(.+)$/.exec(actor);
  return grafanaUser ? `${grafanaUser[1]} (Grafana)` : actor;
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    padding: 0,
    margin: 0,
    li: {
      display: 'flex',
      gap: theme.spacing(1.5),
      padding: theme.spacing(0.5, 0),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      flexWrap: 'wrap',
    },
  }),
  time: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  link: css({ color: theme.colors.text.link }),
  stage: css({ fontWeight: theme.typography.fontWeightMedium, minWidth: 120 }),
  actor: css({ color: theme.colors.text.secondary, marginLeft: 'auto', fontSize: theme.typography.bodySmall.fontSize }),
});
