import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { adminActionError } from '../api/actionErrors.ts';
import { errorMessage } from '../api/ApiRequestError.ts';
import { ConnectionStatus } from '../components/ConnectionStatus.tsx';
import { AnalysisView } from '../components/incident/AnalysisView.tsx';
import { AuditTrail } from '../components/incident/AuditTrail.tsx';
import { OccurrenceChart } from '../components/incident/OccurrenceChart.tsx';
import { SamplesTable } from '../components/incident/SamplesTable.tsx';
import { PageLink } from '../components/PageLink.tsx';
import { MergeDialog } from '../components/incident/MergeDialog.tsx';
import { StormMembers } from '../components/incident/StormMembers.tsx';
import { TicketSection } from '../components/incident/TicketSection.tsx';
import { ExampleMessage, TemplateText } from '../components/TemplateText.tsx';
import { isStormTitle } from '../format/template.ts';
import { hasRole } from '../grafanaUser.ts';
import { placeSummary } from '../components/IncidentTable.tsx';
import { SeverityBadge, StatusBadge } from '../components/SeverityBadge.tsx';
import { testIds } from '../components/testIds.ts';
import { useAsync } from '../hooks/useAsync.ts';
import { useLiveFeed } from '../hooks/useLiveFeed.ts';
import { useStackLens } from '../StackLensContext.tsx';
import type { LiveEvent } from '../types.ts';
import { formatDateTime } from '../format/dates.ts';

/** Re-reads of the incident while its events stream in are at most this frequent. */
const RELOAD_MS = 1_000;

/** One incident: chart, samples, AI analysis, audit trail, Jira ticket and the actions on it. */
export function IncidentPage({ id }: { id: string }) {
  const styles = useStyles2(getStyles);
  const { api, pageUrl, navigate, user } = useStackLens();
  const detail = useAsync(useCallback(() => api.incident(id), [api, id]));
  const [ticketFailure, setTicketFailure] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [merging, setMerging] = useState(false);
  // Merging is the receiver's admin endpoint, behind the Admin-only proxy route: offered to whom it lets through.
  const isAdmin = hasRole(user, 'Admin');
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const { reload } = detail;

  const onEvent = useCallback(
    (event: LiveEvent, replayed: boolean) => {
      const incidentId = event.type === 'error.detected' ? event.incidentId : event.incident.id;
      if (incidentId !== id || replayed) return;
      if (event.type === 'ticket.failed') setTicketFailure(event.error);
      if (event.type === 'ticket.created' || event.type === 'ticket.updated') setTicketFailure(null);
      clearTimeout(reloadTimer.current);
      reloadTimer.current = setTimeout(reload, RELOAD_MS);
    },
    [id, reload],
  );
  const connection = useLiveFeed(onEvent);

  const act = async (action: 'acknowledge' | 'resolve') => {
    setBusy(true);
    try {
      await api[action](id);
      setActionError(undefined);
      reload();
    } catch (error) {
      setActionError(`Could not ${action} the incident: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const unmerge = async () => {
    setBusy(true);
    try {
      await api.unmerge(id);
      setActionError(undefined);
      reload();
    } catch (error) {
      setActionError(adminActionError(`unmerge ${id}`, error));
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <LinkButton variant="secondary" fill="text" icon="arrow-left" href={pageUrl('live')}>
      Live errors
    </LinkButton>
  );
  if (!detail.value) {
    return (
      <PluginPage>
        {back}
        {detail.error ? (
          <Alert severity="error" title={`Could not load the incident: ${detail.error}`} />
        ) : (
          <LoadingPlaceholder text="Loading incident…" />
        )}
      </PluginPage>
    );
  }
  const { incident, histogram, samples, audit, analysis, ticket } = detail.value;
  // The receiver answers a merged incident's id with the incident it is part of now.
  const mergedInto = incident.id === id ? undefined : incident.id;
  // The receiver's example (the first message), else the newest sample's: a real message either way.
  const example = incident.example || samples.find((sample) => sample.body !== '')?.body;
  const isStorm = incident.stormSize !== undefined || isStormTitle(incident.title);
  return (
    <PluginPage>
      <div className={styles.page} data-testid={testIds.incident.page} data-incident={incident.id}>
        <Stack justifyContent="space-between" alignItems="center">
          {back}
          <ConnectionStatus state={connection} />
        </Stack>
        {mergedInto && (
          <Alert
            severity="info"
            title={`Incident ${id} was merged into ${mergedInto}`}
            data-testid={testIds.incident.mergedInto}
            data-survivor={mergedInto}
          >
            <Stack gap={2} alignItems="center" wrap="wrap">
              <span>
                Below is the incident it is part of now:{' '}
                <PageLink page="incident" params={{ id: mergedInto }} className={styles.link}>
                  open {mergedInto}
                </PageLink>
              </span>
              {isAdmin && (
                <Button
                  size="sm"
                  variant="secondary"
                  icon="history"
                  disabled={busy}
                  onClick={() => void unmerge()}
                  data-testid={testIds.incident.unmerge}
                >
                  Unmerge {id}
                </Button>
              )}
            </Stack>
          </Alert>
        )}
        {incident.stormId !== undefined && (
          <Alert severity="info" title="Grouped under a storm" data-testid={testIds.incident.inStorm}>
            The storm guard grouped this incident under{' '}
            <PageLink page="incident" params={{ id: incident.stormId }} className={styles.link}>
              storm {incident.stormId}
            </PageLink>
            : the storm’s analysis and ticket stand for it.
          </Alert>
        )}
        <Stack gap={1} alignItems="center" wrap="wrap">
          <SeverityBadge severity={incident.severity} />
          <StatusBadge status={incident.status} />
          {isStorm && (
            <span data-testid={testIds.incident.storm}>
              <Badge
                color="purple"
                icon="bolt"
                text={incident.stormSize === undefined ? 'storm' : `storm of ${incident.stormSize} new incidents`}
                tooltip="The storm guard put the new incidents of a rule here: one analysis, one ticket"
              />
            </span>
          )}
          <Text element="h2">{incident.errorType}</Text>
        </Stack>
        <div className={styles.title}>
          <div data-testid={testIds.incident.title}>
            <span className={styles.secondary}>{incident.service} · </span>
            <TemplateText template={incident.title} className={styles.template} />
          </div>
          {example !== undefined && (
            <div data-testid={testIds.incident.example}>
              <ExampleMessage message={example} />
            </div>
          )}
        </div>
        <div className={styles.facts}>
          <Fact label="Occurrences" value={String(incident.count)} />
          <Fact label="First seen" value={formatDateTime(incident.firstSeen)} />
          <Fact label="Last seen" value={formatDateTime(incident.lastSeen)} />
          <Fact label="Where" value={placeSummary(incident)} />
          <Fact label="Detected after" value={`${incident.timeToDetectMs} ms`} />
          <Fact label="Exception" value={incident.exceptionType || '—'} />
        </div>
        {actionError && <Alert severity="error" title={actionError} data-testid={testIds.incident.actionError} />}
        <Stack gap={1}>
          <Button
            variant="secondary"
            icon="eye"
            disabled={busy || incident.status !== 'open'}
            onClick={() => void act('acknowledge')}
            data-testid={testIds.incident.acknowledge}
          >
            Acknowledge
          </Button>
          <Button
            variant="primary"
            icon="check"
            disabled={busy || incident.status === 'resolved'}
            onClick={() => void act('resolve')}
            data-testid={testIds.incident.resolve}
          >
            Resolve
          </Button>
          {isAdmin && !mergedInto && (
            <Button
              variant="secondary"
              icon="code-branch"
              disabled={busy}
              onClick={() => setMerging(true)}
              data-testid={testIds.incident.merge}
            >
              Merge into…
            </Button>
          )}
        </Stack>
        {merging && (
          <MergeDialog
            incident={incident}
            onDismiss={() => setMerging(false)}
            onMerged={(survivor) => {
              setMerging(false);
              navigate(pageUrl('incident', { id: survivor.id }));
            }}
          />
        )}
        {incident.stormSize !== undefined && (
          <Section title="Incidents in this storm">
            <StormMembers stormId={incident.id} />
          </Section>
        )}
        <Section title="Occurrences">
          <OccurrenceChart histogram={histogram} />
        </Section>
        <Section title="Jira ticket">
          <TicketSection incidentId={incident.id} ticket={ticket} failure={ticketFailure} onChanged={reload} />
        </Section>
        <Section title="AI analysis">
          <AnalysisView analysis={analysis} />
        </Section>
        <Section title="Latest samples">
          <SamplesTable samples={samples} />
        </Section>
        <Section title="Audit trail">
          <AuditTrail entries={audit} />
        </Section>
      </div>
    </PluginPage>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <section className={styles.section}>
      <Text element="h3">{title}</Text>
      {children}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div>
      <div className={styles.factLabel}>{label}</div>
      <div>{value}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  facts: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(160px, 1fr))', gap: theme.spacing(2) }),
  title: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  template: css({ fontSize: theme.typography.h5.fontSize }),
  secondary: css({ color: theme.colors.text.secondary }),
  link: css({ color: theme.colors.text.link }),
  factLabel: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  section: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
});
