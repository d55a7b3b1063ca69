import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/ApiRequestError.ts';
import { useStackLens } from '../StackLensContext.tsx';
import type { Stats } from '../types.ts';
import { testIds } from './testIds.ts';

/** Stats are re-read at most this often while events stream in. */
const REFRESH_MS = 3_000;

export interface StatsHeaderProps {
  /** Changes when live events arrived that may move the figures. */
  revision: number;
  detectedPerMinute: number;
}

/** Totals above the live table: incidents, critical ones, open tickets and the detection rate. */
export function StatsHeader({ revision, detectedPerMinute }: StatsHeaderProps) {
  const { api } = useStackLens();
  const styles = useStyles2(getStyles);
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState<string>();
  const lastLoad = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const wait = Math.max(0, lastLoad.current + REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastLoad.current = Date.now();
      api.stats().then(
        (result) => {
          if (cancelled) return;
          setStats(result);
          setError(undefined);
        },
        (failure: unknown) => !cancelled && setError(errorMessage(failure)),
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, revision]);

  const detectP50 = stats?.timeToDetectMs ? `detected in ${formatMs(stats.timeToDetectMs.p50)} (p50)` : 'no detections yet';
  return (
    <div data-testid={testIds.live.stats}>
      {error && <Alert severity="warning" title={`Statistics unavailable: ${error}`} />}
      <div className={styles.grid}>
        <Figure
          label="Incidents"
          value={stats?.totals.incidents}
          detail={stats ? `${stats.totals.openIncidents} open · ${stats.totals.occurrences} errors` : ''}
          name="total"
        />
        <Figure
          label="Critical"
          value={stats?.critical.open}
          detail={stats ? `open of ${stats.critical.incidents} critical` : ''}
          name="critical"
          alert={Boolean(stats?.critical.open)}
        />
        <Figure
          label="Open tickets"
          value={stats?.openTickets}
          detail={stats?.timeToTicketMs ? `ticketed in ${formatMs(stats.timeToTicketMs.p50)} (p50)` : 'Jira tickets not resolved'}
          name="tickets"
        />
        <Figure label="Detection rate" value={round(detectedPerMinute)} unit="/min" detail={detectP50} name="rate" />
      </div>
    </div>
  );
}

interface FigureProps {
  label: string;
  value: number | undefined;
  unit?: string;
  detail: string;
  name: string;
  alert?: boolean;
}

function Figure({ label, value, unit, detail, name, alert }: FigureProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.figure} data-figure={name}>
      <div className={styles.label}>{label}</div>
      <div className={alert ? `${styles.value} ${styles.alert}` : styles.value}>
        {value === undefined ? '–' : value}
        {value !== undefined && unit ? <span className={styles.unit}>{unit}</span> : null}
      </div>
      <div className={styles.detail}>{detail}</div>
    </div>
  );
}

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(180px, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  figure: css({
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5, 2),
  }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  value: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  alert: css({ color: theme.colors.error.text }),
  unit: css({ fontSize: theme.typography.body.fontSize, color: theme.colors.text.secondary, marginLeft: theme.spacing(0.5) }),
  detail: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
