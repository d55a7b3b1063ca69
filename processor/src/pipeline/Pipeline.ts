import { Detector } from '../detect/Detector.ts';
import type { IncidentTracker } from '../group/IncidentTracker.ts';
import type { Detection, IncidentStage, PipelineRecord, RuleSet } from '../types.ts';

export interface PipelineOptions {
  detector: Detector;
  tracker: IncidentTracker;
  /** ms since the epoch [Date.now]; the detection time of records. */
  clock?: () => number;
  /** Told of anything that went wrong inside consume() [console.error]. */
  onError?: (error: unknown) => void;
}

export interface PipelineStats {
  records: number;
  detections: number;
  /** consume() calls that failed inside (reported through onError, never thrown). */
  failures: number;
}

/**
 * The processor as the receiver sees it: stored records in, incidents and live events out.
 * detect → group (→ enrich → ticket through IncidentStage) → publish.
 *
 * Later stages plug in with `addStage` (or `stages` in createPipeline): the tracker tells each
 * of them about every incident change (created, more occurrences, regressed, status, spike).
 */
export class Pipeline {
  readonly tracker: IncidentTracker;
  #detector: Detector;
  readonly #clock: () => number;
  readonly #onError: (error: unknown) => void;
  #records = 0;
  #detections = 0;
  #failures = 0;

  constructor(options: PipelineOptions) {
    this.#detector = options.detector;
    this.tracker = options.tracker;
    this.#clock = options.clock ?? Date.now;
    this.#onError = options.onError ?? ((error) => console.error('stacklens processor:', error));
  }

  get ruleSet(): RuleSet {
    return this.#detector.ruleSet;
  }

  /** Loads the incidents kept by the repository; call before serving (records that come first are queued). */
  start(): Promise<void> {
    return this.tracker.start();
  }

  /**
   * Runs stored records through the pipeline. Synchronous and cheap: detection on every record,
   * grouping on the few that match; events go out at once or at the next tick, writes at the
   * next tick. Never throws: a failure is reported through onError and the records are skipped.
   */
  consume(records: ReadonlyArray<PipelineRecord>): void {
    try {
      const now = this.#clock();
      const detector = this.#detector;
      const detections: Detection[] = [];
      for (const record of records) {
        const detection = detector.detect(record, now);
        if (detection !== undefined) detections.push(detection);
      }
      this.#records += records.length;
      this.#detections += detections.length;
      if (detections.length > 0) this.tracker.record(detections);
    } catch (error) {
      this.#failures += 1;
      try {
        this.#onError(error);
      } catch {
        // consume() must not throw into the receiver, whatever the reporter does.
      }
    }
  }

  /**
   * Replaces the rules (a hot reload). Existing incidents keep their fingerprints; incidents
   * take the new rule's severity and policy from their next occurrence. The `grouping` knobs
   * take effect at the next start (templates mined so far depend on them).
   * @throws RuleSetError when the rules are unusable; the old ones stay in force.
   */
  setRuleSet(ruleSet: RuleSet): void {
    this.#detector = new Detector(ruleSet);
  }

  addStage(stage: IncidentStage): void {
    this.tracker.addStage(stage);
  }

  stats(): PipelineStats {
    return { records: this.#records, detections: this.#detections, failures: this.#failures };
  }

  /** Sends held-back events and writes what is pending, then stops. */
  close(): Promise<void> {
    return this.tracker.close();
  }
}
