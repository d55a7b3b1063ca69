import { fileURLToPath } from 'node:url';
import type { RuleSet } from '../types.ts';
import { loadRuleSet } from './loadRuleSet.ts';

/** The shipped rules file: the five POS errors and the generic error rules. */
export const DEFAULT_RULES_PATH = fileURLToPath(new URL('../../rules/default-rules.yaml', import.meta.url));

/** The shipped default rules, read from `processor/rules/default-rules.yaml` on each call. */
export function defaultRuleSet(): RuleSet {
  return loadRuleSet(DEFAULT_RULES_PATH);
}
