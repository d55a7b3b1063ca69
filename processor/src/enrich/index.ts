/**
 * @stacklens/processor/enrich: the enrich stage, its analysers and the ports the receiver
 * implements (analysis store, similar incidents, audit trail).
 */
export { AnalyserError, type Analyser, type AnalyserFailure, type AnalysisRequest, type Finding, type PastIncident } from './Analyser.ts';
export type { AnalysisStore, AuditLog, SimilarIncidentFinder } from './ports.ts';
export { EnrichStage, DEFAULT_ENRICH_SETTINGS, type EnrichSettings, type EnrichStageOptions, type EnrichStats } from './EnrichStage.ts';
export { OfflineAnalyser } from './OfflineAnalyser.ts';
export { OpenAiAnalyser, type OpenAiAnalyserOptions } from './OpenAiAnalyser.ts';
export {
  KnowledgeBase,
  defaultKnowledgeBase,
  DEFAULT_KNOWLEDGE_BASE_PATH,
  type KnowledgeEntry,
  type KnownAnswer,
} from './KnowledgeBase.ts';
export { findingSchema, parseFinding, MAX_FIXES } from './findingSchema.ts';
export { buildPrompt, MAX_PROMPT_CHARS, SYSTEM_PROMPT, type Prompt } from './prompt.ts';
export { redact, passesLuhn, REDACTED, emptyCounts, totalRedacted, type RedactionCounts } from './redact.ts';
export { ConcurrencyLimit } from './ConcurrencyLimit.ts';
export { RateLimit } from './RateLimit.ts';
