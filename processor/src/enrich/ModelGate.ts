import type { Analyser, AnalysisRequest, Finding } from './Analyser.ts';
import { AnalyserError } from './Analyser.ts';
import { ConcurrencyLimit } from './ConcurrencyLimit.ts';
import { RateLimit } from './RateLimit.ts';

export type ModelOutcome =
  | { finding: Finding }
  | {
      /** Why there is no answer, for the audit trail and `fallbackReason`. */
      reason: string;
      /** Worth another try later (time-out, rate limit, outage, network). */
      transient: boolean;
    };

export interface ModelGateLimits {
  maxConcurrent: number;
  ratePerMinute: number;
}

class Deadline extends Error {
  override name = 'Deadline';
}

/**
 * Every model call passes here: a per-minute rate limit, a concurrency limit (calls wait in
 * line), and a deadline after which the call is abandoned, whether it was waiting or running.
 * It never throws: a failure is an outcome with its reason.
 */
export class ModelGate {
  readonly #concurrency: ConcurrencyLimit;
  readonly #rate: RateLimit;
  readonly #clock: () => number;
  readonly #inFlight = new Set<AbortController>();
  #calls = 0;

  constructor(limits: ModelGateLimits, clock: () => number) {
    this.#concurrency = new ConcurrencyLimit(limits.maxConcurrent);
    this.#rate = new RateLimit(limits.ratePerMinute);
    this.#clock = clock;
  }

  setLimits(limits: ModelGateLimits): void {
    this.#concurrency.setMax(limits.maxConcurrent);
    this.#rate.setRate(limits.ratePerMinute);
  }

  /** Calls made to models so far. */
  get calls(): number {
    return this.#calls;
  }

  get active(): number {
    return this.#concurrency.active;
  }

  get waiting(): number {
    return this.#concurrency.waiting;
  }

  /** Asks the model, giving up at `deadline` (ms since the epoch); `timeoutMs` only words the reason. */
  async ask(model: Analyser, request: AnalysisRequest, deadline: number, timeoutMs: number): Promise<ModelOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Deadline()), Math.max(0, deadline - this.#clock()));
    this.#inFlight.add(controller);
    try {
      const release = await this.#concurrency.acquire(controller.signal);
      try {
        if (!this.#rate.tryTake(this.#clock())) {
          return { reason: `rate limit of ${this.#rate.perMinute} model calls per minute reached`, transient: true };
        }
        this.#calls++;
        return { finding: await abortable(model.analyse(request, controller.signal), controller.signal) };
      } finally {
        release();
      }
    } catch (error) {
      return outcomeOf(error, controller.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }

  /** Abandons every call waiting or running (on close): each ends with a time-out outcome. */
  abortAll(): void {
    for (const controller of this.#inFlight) controller.abort(new Deadline('closing'));
  }
}

function outcomeOf(error: unknown, signal: AbortSignal, timeoutMs: number): ModelOutcome {
  if (signal.aborted) {
    const closing = signal.reason instanceof Deadline && signal.reason.message === 'closing';
    return { reason: closing ? 'the receiver closed before the model answered' : `no answer within ${timeoutMs} ms`, transient: true };
  }
  if (error instanceof AnalyserError) return { reason: error.message, transient: error.transient };
  return { reason: `the analyser failed: ${error instanceof Error ? error.message : String(error)}`, transient: true };
}

/** The promise, or a rejection as soon as the signal aborts (for an analyser that ignores its signal). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
