/**
 * The storm guard: whatever grouping does, a rule that makes more than `maxNewIncidents` new
 * incidents in one service within `windowMs` is having a storm (a bad deploy that puts a new
 * id in every message, a catalogue feed that lost every price). From then on, new incidents of
 * that rule and service are not created one by one: they all go into one storm incident, so
 * the stages make one analysis and one ticket of it, and a live `storm` event says so. The
 * incidents the rule made in the service within the window before the storm was recognised
 * are grouped under it (`members`). The storm ends when the rule has made no new incident in
 * the service for a whole window.
 *
 * `holdMs` is how long the tracker keeps a new incident from the later stages (analysis and
 * ticket), so that a burst is recognised before its first incidents are analysed and ticketed
 * one by one: the price is that every new incident's ticket comes that much later.
 */
export interface StormOptions {
  /** New incidents of one rule in one service allowed within the window; the next one starts a storm [10]. */
  maxNewIncidents: number;
  /** The window, ms [60,000]. */
  windowMs: number;
  /** How long a new incident's analysis and ticket decision wait, ms; 0: at once [5,000]. */
  holdMs: number;
}

export const DEFAULT_STORM_OPTIONS: Readonly<StormOptions> = Object.freeze({ maxNewIncidents: 10, windowMs: 60_000, holdMs: 5_000 });

interface RuleInService {
  /** The recent new incidents, oldest first (within the window). */
  created: Array<{ at: number; id: string }>;
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
  /**
   * This one starts a storm: make the storm incident (the caller names it) and put it in.
   * `members`: the ids of the incidents the rule made in the service within the window, oldest first.
   */
  | { kind: 'start'; newIncidents: number; members: string[] };

export class StormGuard {
  readonly options: Readonly<StormOptions>;
  readonly #state = new Map<string, RuleInService>();

  constructor(options: Partial<StormOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_STORM_OPTIONS, ...options });
    if (!Number.isInteger(this.options.maxNewIncidents) || this.options.maxNewIncidents < 1) {
      throw new RangeError('maxNewIncidents must be an integer ≥ 1');
    }
    if (!(this.options.windowMs > 0)) throw new RangeError('windowMs must be > 0');
    if (!(this.options.holdMs >= 0) || !Number.isFinite(this.options.holdMs)) throw new RangeError('holdMs must be ≥ 0');
  }

  /** What to do with a new incident (its id `incidentId`) of this rule in this service. */
  decide(ruleId: string, service: string, incidentId: string, now: number): StormDecision {
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
    while (state.created.length > 0 && (state.created[0]?.at ?? 0) <= since) state.created.shift();
    if (state.created.length < this.options.maxNewIncidents) {
      state.created.push({ at: now, id: incidentId });
      return { kind: 'create' };
    }
    return { kind: 'start', newIncidents: state.created.length + 1, members: state.created.map((created) => created.id) };
  }

  /** Records the storm incident the caller made after a `start` decision. */
  started(ruleId: string, service: string, stormId: string, now: number): void {
    const state = this.#state.get(`${ruleId}\u0000${service}`);
    if (state === undefined) return;
    state.stormId = stormId;
    state.lastStormMs = now;
    state.absorbed = 1;
    state.created = [];
  }

  /** New incidents the current storm of this rule and service took, 0 without a storm. */
  absorbed(ruleId: string, service: string): number {
    const state = this.#state.get(`${ruleId}\u0000${service}`);
    return state?.stormId === undefined ? 0 : state.absorbed;
  }
}
