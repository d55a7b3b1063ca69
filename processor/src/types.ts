/**
 * The processor's vocabulary: what goes in (stored log records), what the
 * stages produce (detections, incidents, audit entries, live events), and the
 * ports through which the receiver persists and publishes them.
 */

/** A stored log record as the pipeline sees it: the `otel_logs` row, values rendered as strings. */
export interface PipelineRecord {
  /** Nanoseconds since the epoch, decimal. */
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceAttributes: Readonly<Record<string, string>>;
  LogAttributes: Readonly<Record<string, string>>;
}

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** When an incident of a rule gets a ticket (the ticket stage acts on it). */
export type TicketPolicy =
  | {
      mode: 'auto';
      afterOccurrences: number;
      windowMinutes: number;
      /** The analysis' confidence a ticket needs, per severity (ticket/confidenceGate.ts); none: no condition. */
      minConfidence?: Partial<Record<Severity, number>>;
    }
  | { mode: 'manual' }
  | { mode: 'never' };

/** What a rule looks at. Every condition given must hold; strings compare exactly. */
export interface RuleMatch {
  /** `error.code` attribute: one value or any of several. */
  errorCode?: string | string[];
  /** Lowest OTel severity number (17 = ERROR). */
  minSeverityNumber?: number;
  service?: string | string[];
  /** Log attributes that must have exactly these values. */
  attributes?: Record<string, string>;
  /** JavaScript regular expression tested against the body. */
  bodyRegex?: string;
  /** true: the record carries `exception.type`, `exception.message` or `exception.stacktrace`. */
  hasException?: boolean;
  /** Rules with `any` match when at least one of the listed matches holds (used by the generic rule). */
  any?: RuleMatch[];
}

/**
 * What makes two records of a rule one problem, besides service, error type, exception type
 * and top stack frame: the values of these attributes (`by`), and the message's template
 * unless `template` is false.
 */
export interface GroupingKey {
  by?: string[];
  /** Whether the message's template takes part [true]. */
  template?: boolean;
}

export interface DetectionRule {
  id: string;
  description?: string;
  match: RuleMatch;
  /** The error type incidents of this rule carry… */
  errorType: string;
  /** …unless one of these attributes is present on the record (first present wins). */
  errorTypeFrom?: string[];
  severity: Severity;
  ticket: TicketPolicy;
  /** What makes two records one incident [the message's template only]. */
  group?: GroupingKey;
}

/** The storm guard's limit (StormGuard.ts): more new incidents of one rule in one service within the window make a storm. */
export interface StormSettings {
  maxNewIncidents?: number;
  windowSeconds?: number;
  /** How long a new incident's analysis and ticket decision wait, so that a burst is seen before any is filed; 0: at once. */
  holdSeconds?: number;
}

/** The template miner's knobs (TemplateMiner.ts), one setting for every service. */
export interface GroupingSettings {
  similarity?: number;
  leadingTokens?: number;
  maxChildren?: number;
  maxTokens?: number;
}

export interface RuleSet {
  /** Tried in order; the first rule that matches a record wins. */
  rules: DetectionRule[];
  /** The template miner's knobs; the defaults suit most logs. */
  grouping?: GroupingSettings;
  /** The storm guard's limit. */
  storm?: StormSettings;
}

export interface Detection {
  record: PipelineRecord;
  rule: DetectionRule;
  errorType: string;
  severity: Severity;
  /** Milliseconds since the epoch when the processor saw the record. */
  detectedAt: number;
}

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface IncidentSample {
  timestamp: string; // ISO 8601 with nanoseconds cut to milliseconds
  traceId: string;
  spanId: string;
  storeId: string;
  kioskId: string;
  body: string;
  attributes: Record<string, string>;
}

/** One incident per fingerprint. */
export interface Incident {
  /** Equal to the fingerprint: stable across restarts and receivers. */
  id: string;
  fingerprint: string;
  service: string;
  errorType: string;
  exceptionType: string;
  severity: Severity;
  /** The message template (variables shown as `<*>`, `<num>`, `<id>`…), the incident's title. */
  title: string;
  /** One real message of the incident as it arrived (its first occurrence's), cut to 1,000 characters. */
  example?: string;
  /** The storm incident this one is grouped under (StormGuard): the storm's analysis and ticket stand for it. */
  stormId?: string;
  /** On a storm incident: the new incidents of its rule and service it stands for (grouped under it or folded into it). */
  stormSize?: number;
  ruleId: string;
  ticketPolicy: TicketPolicy;
  status: IncidentStatus;
  count: number;
  firstSeen: string; // ISO 8601
  lastSeen: string; // ISO 8601
  storeCounts: Record<string, number>;
  /** Occurrences per kiosk, keyed `STORE_001/KIOSK_001` (kioskKey): kiosk ids repeat across stores. */
  kioskCounts: Record<string, number>;
  /** The most recent few occurrences, newest first. */
  samples: IncidentSample[];
  /** How many times a resolved incident fired again. */
  regressions: number;
  /** Milliseconds between the first record's timestamp and its detection. */
  timeToDetectMs: number;
  updatedAt: string; // ISO 8601, the version of this state
}

/** One detected record of an incident (the rows behind histograms and /api/errors). */
export interface Occurrence {
  incidentId: string;
  timestamp: string; // nanoseconds since the epoch, decimal (like otel_logs)
  detectedAt: number; // ms since the epoch
  service: string;
  errorType: string;
  severity: Severity;
  storeId: string;
  kioskId: string;
  traceId: string;
  spanId: string;
  body: string;
  errorCode: string;
}

export const AUDIT_STAGES = [
  'detected',
  'regressed',
  'spike',
  'acknowledged',
  'resolved',
  'reopened',
  'ai.pending',
  'ai.completed',
  'ai.failed',
  'ticket.pending',
  'ticket.created',
  'ticket.failed',
  'ticket.skipped',
  'merged',
  'unmerged',
  /** Grouped under a storm incident, or (on the storm) the incidents grouped under it. */
  'storm',
] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

/** The incident's audit trail: the proof of what happened to it, and when. */
export interface AuditEntry {
  incidentId: string;
  stage: AuditStage;
  at: number; // ms since the epoch
  detail: string;
  /** Who did it: 'stacklens' for the pipeline, 'api' for a person through the API, 'jira' for a ticket moved to Done in Jira. */
  actor: string;
}

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
  /** Per kiosk, keyed `STORE_001/KIOSK_001`. */
  kioskCounts: Record<string, number>;
  regressions: number;
}

/** Events of the live feed. `at` is ms since the epoch; `seq` orders them per receiver. */
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
      /** Occurrences this event stands for: a storm is coalesced, not replayed one by one. */
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
  | {
      type: 'ticket.failed';
      seq: number;
      at: number;
      incident: IncidentSummary;
      /** Jira's error text (or the network error), for a person to act on. */
      error: string;
    }
  | {
      /** More new incidents of one rule in one service than the storm guard allows: they go into `incident`. */
      type: 'storm';
      seq: number;
      at: number;
      /** The storm incident: one analysis, one ticket for all of them. */
      incident: IncidentSummary;
      ruleId: string;
      service: string;
      /** New incidents within the window, this one included. */
      newIncidents: number;
      windowSeconds: number;
    }
  | {
      /**
       * `incident` is part of `into` from now on: a person merged it, or (actor `stacklens`) its
       * template turned out to be `into`'s. Its counts went to `into` (an `incident.updated`
       * follows for it) and its id resolves to `into`: a list of incidents drops it.
       */
      type: 'incident.merged';
      seq: number;
      at: number;
      /** The absorbed incident as it was when merged. */
      incident: IncidentSummary;
      /** The incident that stays. */
      into: string;
      /** Who merged: 'stacklens' for an automatic merge, 'api' or 'grafana:<login>' for a person's. */
      actor: string;
    }
  | {
      /** A merged incident taken out again: it is an incident of its own, as it was when merged. */
      type: 'incident.unmerged';
      seq: number;
      at: number;
      /** The restored incident. */
      incident: IncidentSummary;
      /** The incident it was taken out of (whose counts went down: an `incident.updated` follows for it). */
      from: string;
      actor: string;
    }
  | {
      type: 'spike';
      seq: number;
      at: number;
      incident: IncidentSummary;
      /** Occurrences in the last minute. */
      ratePerMinute: number;
      /** The fingerprint's usual occurrences per minute. */
      baselinePerMinute: number;
    };

export type LiveEventType = LiveEvent['type'];

export const ANALYSIS_CATEGORIES = [
  'data',
  'configuration',
  'dependency',
  'capacity',
  'code',
  'infrastructure',
  'security',
  'unknown',
] as const;
export type AnalysisCategory = (typeof ANALYSIS_CATEGORIES)[number];

/** One suggested fix; an analysis ranks them, 1 first. */
export interface Fix {
  rank: number;
  action: string;
  priority: 'high' | 'medium' | 'low';
  estimatedMinutes: number;
  /** Whether a script or a runbook could apply it without a person deciding. */
  automatable: boolean;
}

/** A past incident that looks like this one, with what was done about it. */
export interface SimilarIncident {
  incidentId: string;
  errorType: string;
  title: string;
  status: IncidentStatus;
  ticketKey?: string;
}

/** The enrich stage's answer for one incident: the same shape whichever analyser gave it. */
export interface Analysis {
  incidentId: string;
  fingerprint: string;
  analyser: 'openai' | 'offline';
  /** The model name, or the knowledge base's version for the offline analyser. */
  model: string;
  rootCause: string;
  category: AnalysisCategory;
  /** Ranked, best first. */
  fixes: Fix[];
  /** 0–1, honest: an unknown error gets a low one. */
  confidence: number;
  /** A short line fit for a ticket title. */
  summary: string;
  similarIncidents: SimilarIncident[];
  /** Why the offline analyser answered although a model is configured (time-out, refusal, malformed answer…). */
  fallbackReason?: string;
  /** ms since the epoch. */
  createdAt: number;
  durationMs: number;
}

/** Where the ticket stage finds an incident's analysis (the enrich stage provides it). */
export interface AnalysisSource {
  /** The analysis when there is one; waits up to `timeoutMs` for one in progress; undefined otherwise. */
  analysisFor(incidentId: string, timeoutMs: number): Promise<Analysis | undefined>;
}

/** Jira's status category keys, which mean the same on every workflow. */
export type TicketStatusCategory = 'new' | 'indeterminate' | 'done' | 'unknown';

/** The Jira issue filed for an incident's fingerprint. */
export interface TicketLink {
  incidentId: string;
  fingerprint: string;
  /** e.g. POS-123 */
  key: string;
  /** The issue in Jira's web UI (the site URL with its path prefix kept). */
  url: string;
  /** Jira's status name, e.g. "To Do". */
  status: string;
  statusCategory: TicketStatusCategory;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
}

/** Where incidents, occurrences and audit entries are kept (ClickHouse in the receiver). */
export interface IncidentRepository {
  /** Every incident's latest state, to resume after a restart. */
  loadIncidents(): Promise<Incident[]>;
  saveIncidents(incidents: ReadonlyArray<Incident>): Promise<void>;
  appendOccurrences(occurrences: ReadonlyArray<Occurrence>): Promise<void>;
  appendAudit(entries: ReadonlyArray<AuditEntry>): Promise<void>;
  /**
   * The message templates and fingerprint aliases known (GroupingState), so that a restart or
   * another receiver on the same store gives a message the fingerprint it had. Optional: a
   * repository without it starts from no templates (fingerprints then follow arrival order).
   */
  loadGrouping?(): Promise<GroupingState>;
  /** New and changed templates and new aliases since the last call; failures are retried with the next. */
  saveGrouping?(changes: GroupingState): Promise<void>;
}

/** The group stage's memory, as persisted and shared between receivers. */
export interface GroupingState {
  /** Templates by miner scope (service, error type, exception type: NUL-separated). */
  templates: Array<{ scope: string; template: string; /** The text this one generalised, no longer a template. */ replaces?: string }>;
  /** A fingerprint (a template's later form, a merged incident's id) and the incident it resolves to. */
  aliases: Array<{ fingerprint: string; incidentId: string }>;
}

/** Receives live events as they happen (the WebSocket feed subscribes here). */
export type LiveEventListener = (event: LiveEvent) => void;

/** A live event before the bus numbers it: what stages hand to `LiveEventBus.publish`. */
export type UnsequencedLiveEvent = LiveEvent extends infer E ? (E extends LiveEvent ? Omit<E, 'seq'> : never) : never;

/** What happened to an incident, as the tracker tells the later stages (enrich, ticket). */
export type IncidentChangeKind = 'created' | 'occurrences' | 'regressed' | 'status' | 'spike';

export interface IncidentChange {
  kind: IncidentChangeKind;
  /** A snapshot of the incident after the change; the stage may keep it. */
  incident: Incident;
  /** New occurrences this change stands for ('created', 'occurrences', 'regressed'); 0 otherwise. */
  occurrences: number;
  /** ms since the epoch. */
  at: number;
}

/**
 * The seam for the stages after grouping (enrich, ticket). The tracker calls every stage
 * synchronously, in order, after each change; a stage does its slow work asynchronously and
 * must not throw (a throw is reported and the other stages still run).
 */
export interface IncidentStage {
  onIncidentChange(change: IncidentChange): void;
  /**
   * Two incidents became one (a template that generalised, two receivers' incidents of one
   * template, or a person's merge): what the stage keeps for `absorbed` (a ticket, an analysis)
   * should follow `survivor`. Optional; called synchronously like onIncidentChange.
   */
  onMerged?(merge: IncidentMerge): void;
}

/** A merge as the tracker tells the later stages. */
export interface IncidentMerge {
  /** The incident merged away, as it was just before; its id resolves to the survivor from now on. */
  absorbed: Incident;
  /** The incident that stays, after the merge (counts added up). */
  survivor: Incident;
  /** 'stacklens' for an automatic merge, the person's name for a merge by hand. */
  actor: string;
  /** ms since the epoch. */
  at: number;
}
