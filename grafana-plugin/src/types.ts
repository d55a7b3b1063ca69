/**
 * The receiver's API as the plugin sees it. The shapes follow the receiver's JSON schemas
 * (GET /api/docs/json) and processor/src/types.ts; they are restated here, types only, so the
 * bundle never depends on the processor at run time. Times from REST are ISO strings; times in
 * live events are ms since the epoch.
 */

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type TicketStatusCategory = 'new' | 'indeterminate' | 'done' | 'unknown';

export interface IncidentSummary {
  id: string;
  fingerprint: string;
  service: string;
  errorType: string;
  severity: Severity;
  title: string;
  status: IncidentStatus;
  count: number;
  firstSeen: string;
  lastSeen: string;
  storeCounts: Record<string, number>;
  /** Per kiosk, keyed `STORE_001/KIOSK_001` (kiosk ids repeat across stores). */
  kioskCounts: Record<string, number>;
  regressions: number;
}

export interface Incident extends IncidentSummary {
  /**
   * One real message of the incident as it arrived, at most 1,000 characters (empty when none was
   * kept). Receivers before migration 0010 do not send it: the page falls back on the samples.
   */
  example?: string;
  /** On an incident grouped under a storm (the storm guard): the storm incident's id, whose analysis and ticket stand for it. */
  stormId?: string;
  /** On a storm incident: how many new incidents of its rule and service it stands for. */
  stormSize?: number;
  exceptionType: string;
  ruleId: string;
  ticketPolicy: { mode: 'auto' | 'manual' | 'never'; afterOccurrences?: number; windowMinutes?: number };
  timeToDetectMs: number;
  updatedAt: string;
}

export interface AnalysisGist {
  analyser: 'openai' | 'offline';
  summary: string;
  category: string;
  confidence: number;
}

export interface Fix {
  rank: number;
  action: string;
  priority: 'high' | 'medium' | 'low';
  estimatedMinutes: number;
  automatable: boolean;
}

export interface SimilarIncident {
  incidentId: string;
  errorType: string;
  title: string;
  status: IncidentStatus;
  ticketKey?: string;
}

export interface Analysis extends AnalysisGist {
  incidentId: string;
  fingerprint: string;
  model: string;
  rootCause: string;
  fixes: Fix[];
  similarIncidents: SimilarIncident[];
  fallbackReason?: string;
  createdAt: string | number;
  durationMs: number;
}

export interface TicketLink {
  incidentId: string;
  fingerprint: string;
  key: string;
  url: string;
  status: string;
  statusCategory: TicketStatusCategory;
  createdAt: string | number;
  updatedAt: string | number;
}

/** One row of GET /api/incidents. */
export interface IncidentListItem extends Incident {
  analysis: AnalysisGist | null;
  ticket: TicketLink | null;
}

export interface IncidentPage {
  total: number;
  items: IncidentListItem[];
}

export interface IncidentSample {
  timestamp: string;
  traceId: string;
  spanId: string;
  storeId: string;
  kioskId: string;
  body: string;
  attributes: Record<string, string>;
}

export interface AuditEntry {
  stage: string;
  at: string;
  detail: string;
  actor: string;
}

export interface Histogram {
  from: string;
  to: string;
  bucketSeconds: number;
  total: number;
  buckets: Array<{ at: string; count: number }>;
}

/** GET /api/incidents/:id */
export interface IncidentDetail {
  incident: Incident;
  histogram: Histogram;
  samples: IncidentSample[];
  audit: AuditEntry[];
  analysis: Analysis | null;
  ticket: TicketLink | null;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

/** GET /api/stats */
export interface Stats {
  totals: { incidents: number; occurrences: number; openIncidents: number };
  bySeverity: Record<Severity, { incidents: number; open: number; occurrences: number }>;
  critical: { incidents: number; open: number };
  openTickets: number;
  perStore: Array<{ storeId: string; occurrences: number; incidents: number }>;
  timeToDetectMs: Percentiles | null;
  timeToTicketMs: Percentiles | null;
}

export interface IncidentQuery {
  /** Any case, in the title, error type, service, store or kiosk ids, or the samples' raw messages and attributes. */
  text?: string;
  /** Incidents grouped under this storm incident (their stormId). */
  storm?: string;
  status?: IncidentStatus;
  severity?: Severity;
  service?: string;
  store?: string;
  limit?: number;
}

/** What POST /api/incidents/:id/jira answers: the link (200) or the queued job (202). */
export type CreateTicketResult = { kind: 'linked'; ticket: TicketLink } | { kind: 'queued'; detail: unknown };

export interface JiraSettingsInput {
  baseUrl: string;
  email: string;
  /** Only present when the admin typed a new token. */
  apiToken?: string;
  projectKey: string;
  issueType: string;
  enabled: boolean;
  autoCreate: boolean;
  priorityMap?: Partial<Record<Severity, string>>;
  labels?: string[];
  linkTemplate?: string;
}

/** GET /api/integrations/jira: the settings without the token. */
export interface JiraSettingsView extends Omit<JiraSettingsInput, 'apiToken'> {
  /** false: nothing saved yet (the other fields are empty). */
  configured?: boolean;
  apiTokenSet: boolean;
  lastTestedAt?: string | null;
  testStatus?: string | null;
  testError?: string | null;
}

export interface JiraTestCheck {
  name: string;
  ok: boolean;
  message: string;
}

/** A Jira job waiting for a settings fix (GET /integrations/jira/status). */
export interface JiraWaitingJob {
  id: string;
  kind: string;
  incidentId: string;
  lastError: string;
}

/** The part of the receiver's Jira status the configuration page shows. */
export interface JiraQueueStatus {
  queue: { pending: number; running: number; waiting: number; done: number; failed: number };
  waiting: JiraWaitingJob[];
}

/** POST /integrations/jira/retry: how many waiting jobs were queued again. */
export interface JiraRetryResult {
  requeued: number;
}

export interface JiraTestResult {
  ok: boolean;
  message: string;
  checks: JiraTestCheck[];
  testedAt: string;
}

export interface LiveTicket {
  ticket: string;
  expiresAt: string;
}

/** Events of the live feed (processor/src/types.ts LiveEvent). */
export type LiveEvent =
  | {
      type: 'error.detected';
      seq: number;
      at: number;
      incidentId: string;
      errorType: string;
      severity: Severity;
      service: string;
      storeId: string;
      kioskId: string;
      traceId: string;
      body: string;
      occurrences: number;
    }
  | { type: 'incident.created'; seq: number; at: number; incident: IncidentSummary }
  | {
      type: 'incident.updated';
      seq: number;
      at: number;
      incident: IncidentSummary;
      change: 'occurrences' | 'acknowledged' | 'resolved' | 'regressed' | 'reopened';
    }
  | { type: 'ai.completed'; seq: number; at: number; incident: IncidentSummary; analysis: Analysis }
  | { type: 'ticket.created' | 'ticket.updated'; seq: number; at: number; incident: IncidentSummary; ticket: TicketLink }
  | { type: 'ticket.failed'; seq: number; at: number; incident: IncidentSummary; error: string }
  | { type: 'spike'; seq: number; at: number; incident: IncidentSummary; ratePerMinute: number; baselinePerMinute: number }
  /** `incident` (as it was) is part of `into` from now on: its row goes. */
  | { type: 'incident.merged'; seq: number; at: number; incident: IncidentSummary; into: string; actor: string }
  /** `incident` was taken out of `from` again: its row comes back. */
  | { type: 'incident.unmerged'; seq: number; at: number; incident: IncidentSummary; from: string; actor: string }
  | {
      type: 'storm';
      seq: number;
      at: number;
      incident: IncidentSummary;
      ruleId: string;
      service: string;
      newIncidents: number;
      windowSeconds: number;
    };

/** Messages of the feed besides events. */
export type LiveServerMessage =
  | { type: 'hello'; serverTime: string; heartbeatMs: number; backfill: number; maxBufferedBytes: number }
  | { type: 'backfill'; filters: unknown; events: LiveEvent[] }
  | { type: 'heartbeat'; serverTime: string }
  | { type: 'error'; message: string };

/** The app's jsonData (plugin settings that are not secret). */
export interface AppSettings {
  /** Where the Grafana server reaches the receiver (the proxy route's target). */
  receiverUrl?: string;
  /** Where browsers reach the receiver's live feed (WebSocket); defaults to receiverUrl. */
  receiverPublicUrl?: string;
}
