import { Detector } from '../detect/Detector.ts';
import { IncidentTracker, type IncidentTrackerOptions } from '../group/IncidentTracker.ts';
import type { LiveEventBus } from '../publish/LiveEventBus.ts';
import type { TemplateMinerOptions } from '../group/TemplateMiner.ts';
import type { StormOptions } from '../group/StormGuard.ts';
import type { GroupingSettings, IncidentRepository, IncidentStage, RuleSet, StormSettings, UnsequencedLiveEvent } from '../types.ts';
import { Pipeline } from './Pipeline.ts';

export interface CreatePipelineOptions {
  ruleSet: RuleSet;
  repository: IncidentRepository;
  bus: LiveEventBus | ((event: UnsequencedLiveEvent) => void);
  clock?: () => number;
  stages?: ReadonlyArray<IncidentStage>;
  onError?: (error: unknown) => void;
  /** Further tracker settings: flush interval, samples, spike thresholds, write-buffer bounds. */
  tracker?: Pick<IncidentTrackerOptions, 'flushIntervalMs' | 'writeIntervalMs' | 'maxSamples' | 'spike' | 'pendingLimits'>;
}

/** Wires Detector → IncidentTracker → bus. Call `start()` on the result before serving. */
export function createPipeline(options: CreatePipelineOptions): Pipeline {
  const tracker = new IncidentTracker({
    ...options.tracker,
    // The miner's knobs are read once: a template's text depends on them, so a change takes effect at a restart.
    grouping: minerOptions(options.ruleSet.grouping),
    storm: stormOptions(options.ruleSet.storm),
    repository: options.repository,
    publish: options.bus,
    clock: options.clock,
    stages: options.stages,
    onError: options.onError,
  });
  return new Pipeline({
    detector: new Detector(options.ruleSet),
    tracker,
    clock: options.clock,
    onError: options.onError,
  });
}

function minerOptions(settings: GroupingSettings | undefined): Partial<TemplateMinerOptions> {
  const options: Partial<TemplateMinerOptions> = {};
  if (settings?.similarity !== undefined) options.similarity = settings.similarity;
  if (settings?.leadingTokens !== undefined) options.leadingTokens = settings.leadingTokens;
  if (settings?.maxChildren !== undefined) options.maxChildren = settings.maxChildren;
  if (settings?.maxTokens !== undefined) options.maxTokens = settings.maxTokens;
  return options;
}

function stormOptions(settings: StormSettings | undefined): Partial<StormOptions> {
  const options: Partial<StormOptions> = {};
  if (settings?.maxNewIncidents !== undefined) options.maxNewIncidents = settings.maxNewIncidents;
  if (settings?.windowSeconds !== undefined) options.windowMs = settings.windowSeconds * 1_000;
  if (settings?.holdSeconds !== undefined) options.holdMs = Math.round(settings.holdSeconds * 1_000);
  return options;
}
