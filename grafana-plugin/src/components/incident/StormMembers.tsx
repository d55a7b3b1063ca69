import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { useCallback } from 'react';
import { useAsync } from '../../hooks/useAsync.ts';
import { useStackLens } from '../../StackLensContext.tsx';
import { PageLink } from '../PageLink.tsx';
import { SeverityBadge } from '../SeverityBadge.tsx';
import { TemplateText } from '../TemplateText.tsx';
import { testIds } from '../testIds.ts';

/** The incidents the storm guard grouped under a storm incident (GET /api/incidents?storm=<id>). */
export function StormMembers({ stormId }: { stormId: string }) {
  const styles = useStyles2(getStyles);
  const { api } = useStackLens();
  const members = useAsync(useCallback(() => api.incidents({ storm: stormId }), [api, stormId]));
  if (members.error) return <Alert severity="warning" title={`Could not list the incidents of this storm: ${members.error}`} />;
  if (!members.value) return <LoadingPlaceholder text="Loading the storm’s incidents…" />;
  const { items, total } = members.value;
  return (
    <div data-testid={testIds.incident.stormMembers}>
      <p className={styles.note}>
        {total === 0
          ? 'No incident is grouped under this storm (new ones it took were folded into it).'
          : `${total} incident${total === 1 ? '' : 's'} grouped under this storm: its analysis and ticket stand for them.`}
      </p>
      <ul className={styles.list}>
        {items.map((item) => (
          <li key={item.id}>
            <SeverityBadge severity={item.severity} />{' '}
            <PageLink page="incident" params={{ id: item.id }}>
              {item.errorType}
            </PageLink>{' '}
            · <TemplateText template={item.title} /> · {item.count}×
          </li>
        ))}
      </ul>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  note: css({ color: theme.colors.text.secondary }),
  list: css({ listStyle: 'none', padding: 0, margin: 0, li: { padding: theme.spacing(0.5, 0) } }),
});
