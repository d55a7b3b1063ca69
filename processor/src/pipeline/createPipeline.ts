import { Detector } from '../detect/Detector.ts';
import { IncidentTracker, type IncidentTrackerOptions } from '../group/IncidentTracker.ts';
import type { LiveEventBus } from '../publish/LiveEventBus.ts';
import type { IncidentRepository, IncidentStage, RuleSet, UnsequencedLiveEvent } from '../types.ts';
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
