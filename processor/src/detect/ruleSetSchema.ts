import type { SchemaObject } from 'ajv';
import { SEVERITIES } from '../types.ts';

/**
 * The JSON Schema of a rules file (YAML or JSON), the `RuleSet` type in types.ts. Checks that
 * need more than a schema (unique ids, regexes that compile) live in checkRuleSemantics.ts.
 *
 * A ticket policy `auto` may leave out `afterOccurrences` (1) and `windowMinutes` (60); the
 * parser fills them in. Unknown fields are refused so that a typo (`errorcode:`) is an error,
 * not a rule that silently matches more than intended.
 */
export const ruleSetSchema: SchemaObject = {
  $id: 'https://stacklens.dev/schemas/rule-set.json',
  type: 'object',
  required: ['rules'],
  additionalProperties: false,
  properties: {
    rules: { type: 'array', items: { $ref: '#/$defs/rule' } },
    grouping: {
      type: 'object',
      additionalProperties: false,
      properties: {
        similarity: { type: 'number', minimum: 0, maximum: 1 },
        leadingTokens: { type: 'integer', minimum: 0, maximum: 8 },
        maxChildren: { type: 'integer', minimum: 1 },
        maxTokens: { type: 'integer', minimum: 2 },
      },
    },
    storm: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxNewIncidents: { type: 'integer', minimum: 1 },
        windowSeconds: { type: 'integer', minimum: 1 },
        holdSeconds: { type: 'number', minimum: 0, maximum: 600 },
      },
    },
  },
  $defs: {
    stringOrStrings: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    match: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        errorCode: { $ref: '#/$defs/stringOrStrings' },
        minSeverityNumber: { type: 'integer', minimum: 1, maximum: 24 },
        service: { $ref: '#/$defs/stringOrStrings' },
        attributes: {
          type: 'object',
          minProperties: 1,
          additionalProperties: { type: 'string' },
        },
        bodyRegex: { type: 'string', minLength: 1 },
        hasException: { type: 'boolean' },
        any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/match' } },
      },
    },
    ticket: {
      type: 'object',
      required: ['mode'],
      properties: { mode: { type: 'string' } },
      discriminator: { propertyName: 'mode' },
      oneOf: [
        {
          properties: {
            mode: { const: 'auto' },
            afterOccurrences: { type: 'integer', minimum: 1 },
            windowMinutes: { type: 'integer', minimum: 1 },
            minConfidence: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: Object.fromEntries(SEVERITIES.map((severity) => [severity, { type: 'number', minimum: 0, maximum: 1 }])),
            },
          },
          additionalProperties: false,
        },
        { properties: { mode: { const: 'manual' } }, additionalProperties: false },
        { properties: { mode: { const: 'never' } }, additionalProperties: false },
      ],
    },
    rule: {
      type: 'object',
      required: ['id', 'match', 'errorType', 'severity', 'ticket'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
        description: { type: 'string' },
        match: { $ref: '#/$defs/match' },
        errorType: { type: 'string', minLength: 1 },
        errorTypeFrom: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        severity: { enum: [...SEVERITIES] },
        ticket: { $ref: '#/$defs/ticket' },
        group: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            by: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
            template: { type: 'boolean' },
          },
        },
      },
    },
  },
};
