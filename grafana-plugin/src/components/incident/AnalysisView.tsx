import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { Analysis } from '../../types.ts';
import { testIds } from '../testIds.ts';

/** The AI's root cause, ranked fixes and similar incidents; a placeholder while the analysis is pending. */
export function AnalysisView({ analysis }: { analysis: Analysis | null }) {
  const styles = useStyles2(getStyles);
  if (!analysis) {
    return (
      <div data-testid={testIds.incident.analysis} data-state="pending" className={styles.pending}>
        The analysis is pending; it appears here as soon as the enrich stage answers.
      </div>
    );
  }
  return (
    <div data-testid={testIds.incident.analysis} data-state="done">
      {/* A div, not a p: the Badge renders a div. */}
      <div className={styles.meta}>
        <Badge color="brand" icon="ai-sparkle" text={analysis.category} /> confidence {Math.round(analysis.confidence * 100)} % ·{' '}
        {analysis.analyser === 'openai' ? `model ${analysis.model}` : `offline analyser ${analysis.model}`}
        {analysis.fallbackReason ? ` (fallback: ${analysis.fallbackReason})` : ''}
      </div>
      <h4>Root cause</h4>
      <p>{analysis.rootCause}</p>
      <h4>Suggested fixes</h4>
      <ol className={styles.fixes}>
        {[...analysis.fixes]
          .sort((a, b) => a.rank - b.rank)
          .map((fix) => (
            <li key={fix.rank}>
              {fix.action}{' '}
              <span className={styles.meta}>
                — {fix.priority} priority, about {fix.estimatedMinutes} min{fix.automatable ? ', automatable' : ''}
              </span>
            </li>
          ))}
      </ol>
      {analysis.similarIncidents.length > 0 && (
        <>
          <h4>Similar incidents</h4>
          <ul>
            {analysis.similarIncidents.map((similar) => (
              <li key={similar.incidentId}>
                {similar.errorType}: {similar.title} ({similar.status}
                {similar.ticketKey ? `, ${similar.ticketKey}` : ''})
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  pending: css({ color: theme.colors.text.secondary, fontStyle: 'italic' }),
  meta: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  fixes: css({ paddingLeft: theme.spacing(3), li: { marginBottom: theme.spacing(0.5) } }),
});
