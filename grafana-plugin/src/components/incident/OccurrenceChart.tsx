import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import type { Histogram } from '../../types.ts';
import { testIds } from '../testIds.ts';
import { formatClock } from '../../format/dates.ts';

const WIDTH = 720;
const HEIGHT = 140;
const AXIS = 18;

/** Occurrences per minute over the histogram's window, as bars in the theme's error colour. */
export function OccurrenceChart({ histogram }: { histogram: Histogram }) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const max = Math.max(1, ...histogram.buckets.map((bucket) => bucket.count));
  const slot = WIDTH / Math.max(1, histogram.buckets.length);
  const label = (iso: string) => formatClock(iso);
  return (
    <figure className={styles.figure} data-testid={testIds.incident.chart}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={`${histogram.total} occurrences from ${label(histogram.from)} to ${label(histogram.to)}`}
        className={styles.svg}
      >
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke={theme.colors.border.medium} />
        {histogram.buckets.map((bucket, index) => {
          const height = (bucket.count / max) * (HEIGHT - 8);
          return (
            <rect
              key={bucket.at}
              x={index * slot + 1}
              y={HEIGHT - height}
              width={Math.max(1, slot - 2)}
              height={height}
              fill={theme.colors.error.main}
            >
              <title>{`${label(bucket.at)}: ${bucket.count}`}</title>
            </rect>
          );
        })}
        <text x={0} y={HEIGHT + AXIS - 4} fill={theme.colors.text.secondary} fontSize={11}>
          {label(histogram.from)}
        </text>
        <text x={WIDTH} y={HEIGHT + AXIS - 4} fill={theme.colors.text.secondary} fontSize={11} textAnchor="end">
          {label(histogram.to)}
        </text>
        <text x={WIDTH} y={12} fill={theme.colors.text.secondary} fontSize={11} textAnchor="end">
          {`max ${max}/min`}
        </text>
      </svg>
      <figcaption className={styles.caption}>
        {histogram.total} occurrences in the last {Math.round((Date.parse(histogram.to) - Date.parse(histogram.from)) / 60_000)} minutes,
        per minute
      </figcaption>
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({ margin: 0 }),
  svg: css({ width: '100%', maxHeight: 200, display: 'block' }),
  caption: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
