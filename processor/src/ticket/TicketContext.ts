import type { AnalysisSource, AuditEntry, Incident, UnsequencedLiveEvent } from '../types.ts';
import type { JiraSettingsSource } from './JiraSettings.ts';
import type { LinkStore, OutboxStore } from './outbox.ts';

/** What the ticket stage, its outbox worker and the status sync share (the receiver provides it). */
export interface TicketContext {
  settings: JiraSettingsSource;
  outbox: OutboxStore;
  links: LinkStore;
  /** Appends to incidents' audit trails (IncidentRepository.appendAudit). */
  audit(entries: ReadonlyArray<AuditEntry>): Promise<void>;
  /** Publishes a live event (LiveEventBus.publish). */
  publish(event: UnsequencedLiveEvent): void;
  /** The incident's current state: the stage's latest snapshot, else the store's. */
  incidentFor(id: string): Promise<Incident | undefined>;
  /** Analyses of the enrich stage, when it runs. */
  analyses?: AnalysisSource;
  /** Resolves the incident (its ticket was moved to Done). */
  resolveIncident(id: string): Promise<void>;
  /** Told of what failed in the background (logged by the receiver). */
  onError(error: unknown, what: string): void;
  /**
   * Told, once, of a Jira failure a person should see and act on (printed on the receiver's
   * console): a job waiting for a settings fix, a job that failed for good, Jira unreachable.
   */
  notice?(message: string): void;
  clock?: () => number;
}
