/**
 * @stacklens/processor: the pipeline stages the receiver composes.
 * detect → group → (enrich → ticket, through IncidentStage) → publish.
 * Only what other workspaces use is exported; the stages' own tests import their modules.
 */
export type {
  Analysis,
  AnalysisSource,
  AuditEntry,
  AuditStage,
  Detection,
  GroupingState,
  Incident,
  IncidentRepository,
  IncidentSample,
  IncidentMerge,
  IncidentStage,
  IncidentStatus,
  IncidentSummary,
  LiveEvent,
  LiveEventListener,
  Occurrence,
  PipelineRecord,
  Severity,
  TicketLink,
  TicketPolicy,
  TicketStatusCategory,
  UnsequencedLiveEvent,
} from './types.ts';
export { SEVERITIES, AUDIT_STAGES, ANALYSIS_CATEGORIES } from './types.ts';

export { defaultRuleSet, DEFAULT_RULES_PATH } from './detect/defaultRuleSet.ts';
export { loadRuleSet } from './detect/loadRuleSet.ts';
export { RuleSetError } from './detect/RuleSetError.ts';
export { watchRuleSet, type RuleSetWatcher } from './detect/watchRuleSet.ts';

export { IncidentTracker } from './group/IncidentTracker.ts';
export { ErrorIdentifier } from './group/identifyError.ts';

export { LiveEventBus } from './publish/LiveEventBus.ts';
export { matchesFilter, type LiveEventFilter } from './publish/matchesFilter.ts';

export { Pipeline } from './pipeline/Pipeline.ts';
export { createPipeline } from './pipeline/createPipeline.ts';
