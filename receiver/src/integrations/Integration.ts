import type { Analysis, AnalysisSource, Incident, IncidentRepository, IncidentStage, LiveEventBus, TicketLink } from '@stacklens/processor';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { ReceiverConfig } from '../config.ts';
import type { SettingsStore } from '../settings/SettingsStore.ts';
import type { LogStore } from '../store/LogStore.ts';

/** The changes a person can make to an incident; they go through the tracker so the live feed sees them. */
export interface IncidentActions {
  /**
   * The incident after the change, or undefined when no incident has this id. `actor` names who
   * did it in the audit trail: 'api' (a person through the API) unless an integration says otherwise.
   */
  acknowledge(id: string, actor?: string): Promise<Incident | undefined>;
  resolve(id: string, actor?: string): Promise<Incident | undefined>;
  /**
   * Merges `id` into `intoId`: both as they were before, and the survivor after; undefined when either is unknown.
   * Rejects with ApiError CONFLICT when the incidents' state forbids it (one already, into itself, either merged away).
   */
  merge(id: string, intoId: string, actor?: string): Promise<{ absorbed: Incident; survivor: Incident } | undefined>;
  /** Takes a merged incident out again; undefined when `id` is not a merged incident. */
  unmerge(id: string, actor?: string): Promise<Incident | undefined>;
}

/** An incident's stored state by id, as any receiver on the store sees it. */
export interface IncidentLookup {
  find(id: string): Promise<Incident | undefined>;
}

/** What the incident routes add to each incident: its analysis and its ticket, looked up by incident id. */
export interface IncidentAnnotations {
  analyses?(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>>;
  tickets?(incidentIds: ReadonlyArray<string>): Promise<Map<string, TicketLink>>;
}

/** What the receiver hands an integration when it builds it. */
export interface IntegrationContext {
  config: ReceiverConfig;
  store: LogStore;
  /** Where audit entries go (the incident tables). */
  repository: Pick<IncidentRepository, 'appendAudit'>;
  incidents: IncidentLookup;
  actions: IncidentActions;
  bus: LiveEventBus;
  log: FastifyBaseLogger;
  /** Named settings shared by every receiver on the store, secrets sealed (AES-256-GCM). */
  settings: SettingsStore;
  /** The analyses of an integration built earlier (the AI one), for the ticket stage's descriptions. */
  analyses?: AnalysisSource;
}

/**
 * A stage after grouping with its storage and its admin routes (AI enrichment, Jira). The receiver
 * adds `stage` to the pipeline in the order the integrations come, registers `routes` inside the
 * /api scope (so they share its tokens, error bodies and OpenAPI document) and closes them on the
 * way out, before the store.
 */
export interface Integration {
  name: string;
  stage?: IncidentStage;
  routes?: FastifyPluginAsync;
  annotations?: IncidentAnnotations;
  analyses?: AnalysisSource;
  /** Told when a person merged `absorbed` into `survivor`: what the integration keeps per incident follows the survivor. */
  onMerged?(absorbed: Incident, survivor: Incident, actor: string): Promise<void>;
  close(): Promise<void>;
}

export type IntegrationFactory = (context: IntegrationContext) => Promise<Integration>;
