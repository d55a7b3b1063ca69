import type { Analysis, AnalysisSource, IncidentStage, LiveEventBus, TicketLink } from '@stacklens/processor';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { IncidentActions } from '../api/incidentRoutes.ts';
import type { ReceiverConfig } from '../config.ts';
import type { ClickHouseIncidentRepository } from '../incidents/ClickHouseIncidentRepository.ts';
import type { IncidentQueries } from '../incidents/IncidentQueries.ts';
import type { SettingsStore } from '../settings/SettingsStore.ts';
import type { LogStore } from '../store/LogStore.ts';

/** What the incident routes add to each incident: its analysis and its ticket, looked up by incident id. */
export interface IncidentAnnotations {
  analyses?(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>>;
  tickets?(incidentIds: ReadonlyArray<string>): Promise<Map<string, TicketLink>>;
}

/** What the receiver hands an integration when it builds it. */
export interface IntegrationContext {
  config: ReceiverConfig;
  store: LogStore;
  repository: ClickHouseIncidentRepository;
  incidents: IncidentQueries;
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
  close(): Promise<void>;
}

export type IntegrationFactory = (context: IntegrationContext) => Promise<Integration>;
