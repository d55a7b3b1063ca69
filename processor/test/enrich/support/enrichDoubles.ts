import type { Analyser, AnalysisRequest, Finding } from '../../../src/enrich/Analyser.ts';
import type { AnalysisStore } from '../../../src/enrich/ports.ts';
import type { Analysis, AuditEntry } from '../../../src/types.ts';

/** The AnalysisStore port in memory; `failing` makes every call reject. */
export class InMemoryAnalysisStore implements AnalysisStore {
  readonly saved: Analysis[] = [];
  failing = false;

  /** How many writes the store was asked for. */
  writes = 0;

  async save(analyses: ReadonlyArray<Analysis>): Promise<void> {
    this.writes++;
    if (this.failing) throw new Error('analysis store is down');
    this.saved.push(...analyses.map((analysis) => structuredClone(analysis)));
  }

  async load(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>> {
    if (this.failing) throw new Error('analysis store is down');
    const found = new Map<string, Analysis>();
    for (const analysis of this.saved) if (incidentIds.includes(analysis.incidentId)) found.set(analysis.incidentId, analysis);
    return found;
  }
}

export class RecordingAuditLog {
  readonly entries: AuditEntry[] = [];

  async appendAudit(entries: ReadonlyArray<AuditEntry>): Promise<void> {
    this.entries.push(...entries);
  }

  stagesOf(incidentId: string): string[] {
    return this.entries.filter((entry) => entry.incidentId === incidentId).map((entry) => entry.stage);
  }
}

export const MODEL_FINDING: Finding = {
  rootCause: 'The model says: the price feed skipped product 999.',
  category: 'data',
  fixes: [{ rank: 1, action: 'Re-run the price feed for product 999', priority: 'high', estimatedMinutes: 10, automatable: true }],
  confidence: 0.82,
  summary: 'Price feed skipped product 999',
};

type Behaviour = (request: AnalysisRequest, signal: AbortSignal) => Promise<Finding>;

/** A model the test steers call by call; by default it answers MODEL_FINDING at once. */
export class ScriptedModel implements Analyser {
  readonly kind = 'openai';
  readonly model = 'scripted-model';
  readonly requests: AnalysisRequest[] = [];
  readonly signals: AbortSignal[] = [];
  readonly #script: Behaviour[] = [];
  fallback: Behaviour = async () => MODEL_FINDING;

  /** The next call behaves so (calls beyond the script use `fallback`). */
  then(behaviour: Behaviour): this {
    this.#script.push(behaviour);
    return this;
  }

  analyse(request: AnalysisRequest, signal: AbortSignal): Promise<Finding> {
    this.requests.push(request);
    this.signals.push(signal);
    return (this.#script.shift() ?? this.fallback)(request, signal);
  }
}

/** A call that only ends when its signal aborts (a model that never answers). */
export const never: Behaviour = (_request, signal) =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));

/** A call the test answers when it wants: `release()` resolves it with MODEL_FINDING. */
export function held(): { behaviour: Behaviour; release: () => void; started: Promise<void> } {
  let release!: () => void;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const answered = new Promise<void>((resolve) => (release = resolve));
  return {
    behaviour: async () => {
      markStarted();
      await answered;
      return MODEL_FINDING;
    },
    release: () => release(),
    started,
  };
}
