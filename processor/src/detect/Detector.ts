import type { Detection, DetectionRule, PipelineRecord, RuleSet } from '../types.ts';
import { checkRuleSemantics } from './checkRuleSemantics.ts';
import { compileMatch, ERROR_CODE, type RecordPredicate } from './compileMatch.ts';
import { gateFor, passesGate, type RecordGate } from './RecordGate.ts';

interface CompiledRule {
  rule: DetectionRule;
  matches: RecordPredicate;
}

/**
 * The detect stage: the first rule of the rule set that matches a record wins. It runs on
 * every stored record, so everything that can be is done once here: regexes and value sets
 * compiled, a gate that turns away records no rule can match, and the rules pre-sorted by
 * `error.code` so a POS record is tried only against the rules that could take it.
 */
export class Detector {
  readonly ruleSet: RuleSet;
  readonly #gate: RecordGate;
  /** Rules in file order that a record with this `error.code` could match. */
  readonly #rulesByErrorCode = new Map<string, CompiledRule[]>();
  /** Rules in file order that do not ask for a particular `error.code`. */
  readonly #rulesForAnyCode: CompiledRule[];

  /** @throws RuleSetError when a rule's regex does not compile or ids repeat. */
  constructor(ruleSet: RuleSet) {
    checkRuleSemantics('rule set', ruleSet.rules);
    this.ruleSet = ruleSet;
    const compiled = ruleSet.rules.map((rule) => ({ rule, matches: compileMatch(rule.match) }));
    this.#gate = gateFor(ruleSet.rules.map((rule) => rule.match));
    this.#rulesForAnyCode = compiled.filter(({ rule }) => rule.match.errorCode === undefined);
    const codes = new Set(compiled.flatMap(({ rule }) => codesOf(rule)));
    for (const code of codes) {
      this.#rulesByErrorCode.set(
        code,
        compiled.filter(({ rule }) => rule.match.errorCode === undefined || codesOf(rule).includes(code)),
      );
    }
  }

  /** The detection for a record, or undefined when no rule matches. `now`: ms since the epoch. */
  detect(record: PipelineRecord, now: number): Detection | undefined {
    const errorCode = record.LogAttributes[ERROR_CODE];
    if (!passesGate(this.#gate, record, errorCode)) return undefined;
    const candidates = errorCode === undefined ? this.#rulesForAnyCode : (this.#rulesByErrorCode.get(errorCode) ?? this.#rulesForAnyCode);
    for (const { rule, matches } of candidates) {
      if (matches(record, errorCode)) {
        return { record, rule, errorType: errorTypeOf(rule, record), severity: rule.severity, detectedAt: now };
      }
    }
    return undefined;
  }
}

function codesOf(rule: DetectionRule): string[] {
  const { errorCode } = rule.match;
  if (errorCode === undefined) return [];
  return typeof errorCode === 'string' ? [errorCode] : errorCode;
}

/** The first of the rule's `errorTypeFrom` attributes the record carries (non-empty), else the rule's type. */
function errorTypeOf(rule: DetectionRule, record: PipelineRecord): string {
  if (rule.errorTypeFrom !== undefined) {
    for (const key of rule.errorTypeFrom) {
      const value = record.LogAttributes[key];
      if (value !== undefined && value !== '') return value;
    }
  }
  return rule.errorType;
}
