import type { ErrorObject } from 'ajv';
import { RuleSetError } from './RuleSetError.ts';

/**
 * Turns the schema validator's first complaint into a RuleSetError that names the field the
 * way a person reads the file (`rules[2].severity`) and says what would be right.
 */
export function ruleSetErrorFrom(sourceName: string, errors: ReadonlyArray<ErrorObject>): RuleSetError {
  const error = mostTellingError(errors);
  if (error === undefined) return new RuleSetError(sourceName, '', 'does not match the rules schema');
  const field = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return new RuleSetError(sourceName, join(field, String(params.missingProperty)), 'is required');
    case 'additionalProperties':
      return new RuleSetError(sourceName, join(field, String(params.additionalProperty)), 'is not a known field');
    case 'discriminator':
      return new RuleSetError(sourceName, join(field, String(params.tag)), 'must be one of auto, manual, never');
    case 'enum':
      return new RuleSetError(sourceName, field, `must be one of ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'oneOf':
      return new RuleSetError(sourceName, field, 'must be a non-empty string or a list of non-empty strings');
    case 'type':
      if (field === '') return new RuleSetError(sourceName, '', 'must be a mapping with a `rules` list');
      return new RuleSetError(sourceName, field, `must be ${typeNames[String(params.type)] ?? String(params.type)}`);
    case 'minimum':
      return new RuleSetError(sourceName, field, `must be at least ${String(params.limit)}`);
    case 'maximum':
      return new RuleSetError(sourceName, field, `must be at most ${String(params.limit)}`);
    case 'minLength':
      return new RuleSetError(sourceName, field, 'must not be empty');
    case 'minItems':
      return new RuleSetError(sourceName, field, 'must not be an empty list');
    case 'minProperties':
      return new RuleSetError(
        sourceName,
        field,
        field.endsWith('attributes') ? 'must name at least one attribute' : 'must have at least one condition',
      );
    case 'pattern':
      return new RuleSetError(sourceName, field, 'must start with a letter or digit and hold only letters, digits, _, . and -');
    default:
      return new RuleSetError(sourceName, field, error.message ?? 'is not valid');
  }
}

const typeNames: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/**
 * A value that may be a string or a list fails both branches of a oneOf; the oneOf error
 * itself says it best. Otherwise the first error is the one the validator met first.
 */
function mostTellingError(errors: ReadonlyArray<ErrorObject>): ErrorObject | undefined {
  return errors.find((error) => error.keyword === 'oneOf' && error.schemaPath.includes('stringOrStrings')) ?? errors[0];
}

/** `/rules/2/match/attributes/error.code` → `rules[2].match.attributes["error.code"]`. */
export function fieldPath(instancePath: string): string {
  if (instancePath === '') return '';
  let path = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path = join(path, segment);
  }
  return path;
}

function join(path: string, segment: string): string {
  if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(segment)) return path === '' ? segment : `${path}.${segment}`;
  return `${path}[${JSON.stringify(segment)}]`;
}
