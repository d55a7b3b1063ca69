import { Detector } from '../../src/detect/Detector.ts';
import { defaultRuleSet } from '../../src/detect/defaultRuleSet.ts';
import { IncidentTracker, type IncidentTrackerOptions } from '../../src/group/IncidentTracker.ts';
import { LiveEventBus } from '../../src/publish/LiveEventBus.ts';
import type { Detection, IncidentChange, IncidentStage, LiveEvent, LiveEventType, PipelineRecord } from '../../src/types.ts';
import { InMemoryIncidentRepository } from './InMemoryIncidentRepository.ts';

/** 2026-01-01T00:01:00Z: the POS records of posRecords.ts are stamped just before. */
export const T0 = 1_767_225_660_000;

/** A tracker on a manual clock whose timer never fires on its own (tests call flush()). */
export function trackerHarness(options: Partial<IncidentTrackerOptions> & { repository?: InMemoryIncidentRepository } = {}) {
  const repository = options.repository ?? new InMemoryIncidentRepository();
  const clock = { now: T0 };
  const bus = new LiveEventBus({ capacity: 100_000 });
  const events: LiveEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const errors: unknown[] = [];
  const changes: IncidentChange[] = [];
  const recordingStage: IncidentStage = { onIncidentChange: (change) => changes.push(change) };
  const detector = new Detector(defaultRuleSet());
  const tracker = new IncidentTracker({
    publish: bus,
    flushIntervalMs: 3_600_000,
    onError: (error) => errors.push(error),
    stages: [recordingStage],
    ...options,
    // No hold unless a test asks for one: most tests look at what the stages hear right after recording.
    storm: { holdMs: 0, ...options.storm },
    repository,
    clock: () => clock.now,
  });

  function detections(records: ReadonlyArray<PipelineRecord>): Detection[] {
    return records.map((record) => {
      const detection = detector.detect(record, clock.now);
      if (detection === undefined) throw new Error(`no rule matches ${record.Body}`);
      return detection;
    });
  }

  return {
    tracker,
    repository,
    bus,
    events,
    errors,
    changes,
    clock,
    detections,
    /** Detects and records the records in one batch. */
    record(...records: PipelineRecord[]): void {
      tracker.record(detections(records));
    },
    advance(ms: number): void {
      clock.now += ms;
    },
    ofType<T extends LiveEventType>(type: T): Extract<LiveEvent, { type: T }>[] {
      return events.filter((event): event is Extract<LiveEvent, { type: T }> => event.type === type);
    },
  };
}
