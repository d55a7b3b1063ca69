import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import type { DetectionRule, RuleSet, TicketPolicy } from '../types.ts';
import { checkRuleSemantics } from './checkRuleSemantics.ts';
import { RuleSetError } from './RuleSetError.ts';
import { ruleSetErrorFrom } from './ruleSetErrorFrom.ts';
import { ruleSetSchema } from './ruleSetSchema.ts';

/** A ticket policy `auto` that leaves these out fires on the first occurrence, counted over an hour. */
const DEFAULT_AFTER_OCCURRENCES = 1;
const DEFAULT_WINDOW_MINUTES = 60;

/**
 * Parses a rules file's text, YAML or JSON (YAML 1.2 reads JSON too, with line numbers in its
 * errors), and validates it. `sourceName` is what error messages call the file.
 * @throws RuleSetError naming the file and the bad field.
 */
export function parseRuleSet(text: string, sourceName: string): RuleSet {
  const document = parseDocument(text);
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    const position = syntaxError.linePos?.[0];
    const summary = syntaxError.message.split('\n')[0]?.replace(/:$/, '') ?? syntaxError.message;
    throw new RuleSetError(sourceName, '', `is not valid YAML or JSON: ${summary}`, position?.line);
  }
  return validateRuleSet(document.toJS(), sourceName);
}

/**
 * Validates a rule set that is already a value (from JSON over an API, or built in code),
 * fills in defaults and returns a fresh copy.
 * @throws RuleSetError naming the source and the bad field.
 */
export function validateRuleSet(value: unknown, sourceName: string): RuleSet {
  const validate = schemaValidator();
  if (!validate(value)) throw ruleSetErrorFrom(sourceName, validate.errors ?? []);
  const { rules: given, grouping, storm } = value as RuleSet;
  const rules = given.map(withDefaults);
  checkRuleSemantics(sourceName, rules);
  return {
    rules,
    ...(grouping === undefined ? {} : { grouping: { ...grouping } }),
    ...(storm === undefined ? {} : { storm: { ...storm } }),
  };
}

let compiled: ValidateFunction | undefined;

/** Compiled once, on first use: compiling the schema costs milliseconds, validating microseconds. */
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ discriminator: true, allErrors: false, strict: true }).compile(ruleSetSchema);
  return compiled;
}

function withDefaults(rule: DetectionRule): DetectionRule {
  return { ...rule, ticket: ticketWithDefaults(rule.ticket) };
}

function ticketWithDefaults(ticket: TicketPolicy): TicketPolicy {
  if (ticket.mode !== 'auto') return { mode: ticket.mode };
  const partial = ticket as Partial<typeof ticket>;
  return {
    mode: 'auto',
    afterOccurrences: partial.afterOccurrences ?? DEFAULT_AFTER_OCCURRENCES,
    windowMinutes: partial.windowMinutes ?? DEFAULT_WINDOW_MINUTES,
    ...(partial.minConfidence === undefined ? {} : { minConfidence: { ...partial.minConfidence } }),
  };
}
