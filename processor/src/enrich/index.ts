/**
 * @stacklens/processor/enrich: the enrich stage, its analysers and the ports the receiver
 * implements (analysis store, similar incidents).
 */
export type { PastIncident } from './Analyser.ts';
export type { AnalysisStore, SimilarIncidentFinder } from './ports.ts';
export { EnrichStage, type EnrichStageOptions, type EnrichStats } from './EnrichStage.ts';
export { OfflineAnalyser } from './OfflineAnalyser.ts';
export { OpenAiAnalyser } from './OpenAiAnalyser.ts';
