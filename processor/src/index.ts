/**
 * @stacklens/processor: the pipeline stages the receiver composes.
 * detect → group → (enrich → ticket, through IncidentStage) → publish.
 */
export type * from './types.ts';
export { SEVERITIES, AUDIT_STAGES, ANALYSIS_CATEGORIES } from './types.ts';

export { Detector } from './detect/Detector.ts';
export { loadRuleSet } from './detect/loadRuleSet.ts';
export { parseRuleSet, validateRuleSet } from './detect/parseRuleSet.ts';
export { defaultRuleSet, DEFAULT_RULES_PATH } from './detect/defaultRuleSet.ts';
export { RuleSetError } from './detect/RuleSetError.ts';
export { ruleSetSchema } from './detect/ruleSetSchema.ts';
export { watchRuleSet, type RuleSetWatcher, type WatchRuleSetOptions } from './detect/watchRuleSet.ts';

export { maskMessage, MAX_MASKED_LENGTH } from './group/maskMessage.ts';
export { topStackFrame } from './group/topStackFrame.ts';
export { fingerprint, type FingerprintInput } from './group/fingerprint.ts';
export { IncidentTracker, PIPELINE_ACTOR, type IncidentTrackerOptions, type IncidentTrackerStats } from './group/IncidentTracker.ts';
export { SpikeDetector, type Spike, type SpikeOptions } from './group/SpikeDetector.ts';
export type { PendingWritesLimits } from './group/PendingWrites.ts';

export { LiveEventBus, DEFAULT_LIVE_EVENT_CAPACITY, type LiveEventBusOptions } from './publish/LiveEventBus.ts';
export { matchesFilter, type LiveEventFilter } from './publish/matchesFilter.ts';

export { Pipeline, type PipelineOptions, type PipelineStats } from './pipeline/Pipeline.ts';
export { createPipeline, type CreatePipelineOptions } from './pipeline/createPipeline.ts';
