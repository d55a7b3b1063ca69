import type { PipelineRecord, RuleMatch } from '../types.ts';
import { hasException } from './compileMatch.ts';

/**
 * The cheapest test that says "no rule can match this record": a disjunction of conditions
 * every rule needs, derived from the rules. For the default rules a record passes only with
 * severity ≥ ERROR, an `error.code` or an `exception.*` attribute, so the INFO records that
 * make up most traffic cost one number compare and three failed property lookups.
 *
 * A rule with no such necessary condition (say, a body regex alone) opens the gate for every
 * record: still correct, just slower.
 */
export interface RecordGate {
  /** Every record may match some rule. */
  open: boolean;
  /** Records at or above this severity may match (Infinity: none by severity alone). */
  minSeverityNumber: number;
  /** Records carrying `error.code` may match. */
  errorCode: boolean;
  /** Records carrying `exception.*` may match. */
  exception: boolean;
}

const CLOSED: RecordGate = { open: false, minSeverityNumber: Infinity, errorCode: false, exception: false };
const OPEN: RecordGate = { open: true, minSeverityNumber: 0, errorCode: true, exception: true };

export function gateFor(matches: ReadonlyArray<RuleMatch>): RecordGate {
  return matches.reduce<RecordGate>((gate, match) => union(gate, necessaryFor(match)), CLOSED);
}

export function passesGate(gate: RecordGate, record: PipelineRecord, errorCode: string | undefined): boolean {
  return (
    gate.open ||
    record.SeverityNumber >= gate.minSeverityNumber ||
    (gate.errorCode && errorCode !== undefined) ||
    (gate.exception && hasException(record.LogAttributes))
  );
}

/** One condition the match cannot hold without (all its conditions must hold, so any one will do). */
function necessaryFor(match: RuleMatch): RecordGate {
  if (match.minSeverityNumber !== undefined) return { ...CLOSED, minSeverityNumber: match.minSeverityNumber };
  if (match.errorCode !== undefined) return { ...CLOSED, errorCode: true };
  if (match.hasException === true) return { ...CLOSED, exception: true };
  if (match.any !== undefined) return gateFor(match.any);
  return OPEN;
}

function union(a: RecordGate, b: RecordGate): RecordGate {
  return {
    open: a.open || b.open,
    minSeverityNumber: Math.min(a.minSeverityNumber, b.minSeverityNumber),
    errorCode: a.errorCode || b.errorCode,
    exception: a.exception || b.exception,
  };
}
