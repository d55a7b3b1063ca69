import { Ajv, type ValidateFunction } from 'ajv';
import { ANALYSIS_CATEGORIES } from '../types.ts';
import type { Finding } from './Analyser.ts';

/** Fixes a model may suggest; more are cut. */
export const MAX_FIXES = 6;

/**
 * The answer asked of a model, as a JSON schema in the subset OpenAI's structured outputs
 * accept with `strict: true` (every property required, no additional ones). The same schema
 * validates what comes back, since an OpenAI-compatible server may ignore `response_format`.
 */
export const findingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rootCause', 'category', 'fixes', 'confidence', 'summary'],
  properties: {
    rootCause: { type: 'string', description: 'What most likely caused the error, specific to the evidence given.' },
    category: { type: 'string', enum: [...ANALYSIS_CATEGORIES] },
    fixes: {
      type: 'array',
      description: 'Suggested fixes, the best first.',
      minItems: 1,
      maxItems: MAX_FIXES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'priority', 'estimatedMinutes', 'automatable'],
        properties: {
          action: { type: 'string' },
          priority: { type: 'string', enum: ['high', 'medium', 'low'] },
          estimatedMinutes: { type: 'integer', minimum: 0, maximum: 10080 },
          automatable: { type: 'boolean', description: 'Whether a script or runbook could apply it without a person deciding.' },
        },
      },
    },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: '0–1; low when the evidence does not identify the cause.' },
    summary: { type: 'string', description: 'One short line fit for a ticket title.' },
  },
} as const;

/** The answer as the model gives it: fixes without ranks (their order is the rank). */
interface ModelFinding {
  rootCause: string;
  category: Finding['category'];
  fixes: Array<Omit<Finding['fixes'][number], 'rank'>>;
  confidence: number;
  summary: string;
}

const LIMITS = { rootCause: 2000, action: 500, summary: 160 } as const;

let validate: ValidateFunction<ModelFinding> | undefined;

/** The finding in a model's JSON text; an error message saying what is wrong otherwise. */
export function parseFinding(text: string): { finding: Finding } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  validate ??= new Ajv({ allErrors: false, strict: true }).compile<ModelFinding>(findingSchema);
  if (!validate(value)) {
    const [first] = validate.errors ?? [];
    return { error: `does not match the schema: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim() };
  }
  if (value.rootCause.trim() === '' || value.summary.trim() === '') return { error: 'empty root cause or summary' };
  return {
    finding: {
      rootCause: cut(value.rootCause, LIMITS.rootCause),
      category: value.category,
      fixes: value.fixes.map((fix, index) => ({ ...fix, action: cut(fix.action, LIMITS.action), rank: index + 1 })),
      confidence: value.confidence,
      summary: cut(value.summary.split('\n')[0]!, LIMITS.summary),
    },
  };
}

function cut(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}
