import type { DetectionRule, RuleMatch } from '../types.ts';
import { RuleSetError } from './RuleSetError.ts';

/**
 * What the schema cannot say: rule ids are unique (the id is what incidents and the audit
 * trail point back to) and every body regex compiles. Runs after schema validation, so the
 * shapes are known to be right.
 */
export function checkRuleSemantics(sourceName: string, rules: ReadonlyArray<DetectionRule>): void {
  const firstIndexOfId = new Map<string, number>();
  rules.forEach((rule, index) => {
    const earlier = firstIndexOfId.get(rule.id);
    if (earlier !== undefined) {
      throw new RuleSetError(sourceName, `rules[${index}].id`, `"${rule.id}" is already the id of rules[${earlier}]`);
    }
    firstIndexOfId.set(rule.id, index);
    checkMatch(sourceName, rule.match, `rules[${index}].match`);
    if (rule.ticket.mode === 'auto') {
      // The schema enforces these too; kept here so a RuleSet built in code is checked alike.
      if (!(rule.ticket.afterOccurrences >= 1)) {
        throw new RuleSetError(sourceName, `rules[${index}].ticket.afterOccurrences`, 'must be at least 1');
      }
      if (!(rule.ticket.windowMinutes >= 1)) {
        throw new RuleSetError(sourceName, `rules[${index}].ticket.windowMinutes`, 'must be at least 1');
      }
    }
  });
}

function checkMatch(sourceName: string, match: RuleMatch, field: string): void {
  if (match.bodyRegex !== undefined) {
    try {
      new RegExp(match.bodyRegex);
    } catch (error) {
      throw new RuleSetError(sourceName, `${field}.bodyRegex`, `is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  match.any?.forEach((alternative, index) => checkMatch(sourceName, alternative, `${field}.any[${index}]`));
}
