/**
 * The storm guard: whatever grouping does, a rule that makes more than `maxNewIncidents` new
 * incidents in one service within `windowMs` is having a storm (a bad deploy that puts a new
 * id in every message, a catalogue feed that lost every price). From then on, new incidents of
 * that rule and service are not created one by one: they all go into one storm incident, so
 * the stages make one analysis and one ticket of it, and a live `storm` event says so. The
 * storm ends when the rule has made no new incident in the service for a whole window.
 */
export interface StormOptions {
  /** New incidents of one rule in one service allowed within the window; the next one starts a storm [10]. */
  maxNewIncidents: number;
  /** The window, ms [60,000]. */
  windowMs: number;
}

export const DEFAULT_STORM_OPTIONS: Readonly<StormOptions> = Object.freeze({ maxNewIncidents: 10, windowMs: 60_000 });

interface RuleInService {
  /** When the recent new incidents were made, oldest first (within the window). */
  created: number[];
  /** The storm incident's id while a storm lasts. */
  stormId: string | undefined;
  /** When the storm last took a new incident. */
  lastStormMs: number;
  /** New incidents the storm took. */
  absorbed: number;
}

export type StormDecision =
  /** Make the incident. */
  | { kind: 'create' }
  /** A storm is going on: the new incident goes into it. */
  | { kind: 'storm'; stormId: string }
  /** This one starts a storm: make the storm incident (the caller names it) and put it in. */
  | { kind: 'start'; newIncidents: number };

export class StormGuard {
  readonly options: Readonly<StormOptions>;
  readonly #state = new Map<string, RuleInService>();

  constructor(options: Partial<StormOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_STORM_OPTIONS, ...options });
    if (!Number.isInteger(this.options.maxNewIncidents) || this.options.maxNewIncidents < 1) {
      throw new RangeError('maxNewIncidents must be an integer ≥ 1');
    }
    if (!(this.options.windowMs > 0)) throw new RangeError('windowMs must be > 0');
  }

  /** What to do with a new incident of this rule in this service. */
  decide(ruleId: string, service: string, now: number): StormDecision {
    const key = `${ruleId}\u0000${service}`;
    let state = this.#state.get(key);
    if (state === undefined) {
      state = { created: [], stormId: undefined, lastStormMs: 0, absorbed: 0 };
      this.#state.set(key, state);
    }
    if (state.stormId !== undefined) {
      if (now - state.lastStormMs < this.options.windowMs) {
        state.lastStormMs = now;
        state.absorbed += 1;
        return { kind: 'storm', stormId: state.stormId };
      }
      state.stormId = undefined; // quiet for a window: over
      state.created = [];
    }
    const since = now - this.options.windowMs;
    while (state.created.length > 0 && (state.created[0] ?? 0) <= since) state.created.shift();
    if (state.created.length < this.options.maxNewIncidents) {
      state.created.push(now);
      return { kind: 'create' };
    }
    return { kind: 'start', newIncidents: state.created.length + 1 };
  }

  /** Records the storm incident the caller made after a `start` decision. */
  started(ruleId: string, service: string, stormId: string, now: number): void {
    const state = this.#state.get(`${ruleId}\u0000${service}`);
    if (state === undefined) return;
    state.stormId = stormId;
    state.lastStormMs = now;
    state.absorbed = 1;
  }

  /** New incidents the current storm of this rule and service took, 0 without a storm. */
  absorbed(ruleId: string, service: string): number {
    const state = this.#state.get(`${ruleId}\u0000${service}`);
    return state?.stormId === undefined ? 0 : state.absorbed;
  }
}
