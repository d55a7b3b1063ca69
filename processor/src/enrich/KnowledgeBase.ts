import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ANALYSIS_CATEGORIES, type AnalysisCategory, type Fix, type Incident } from '../types.ts';

/** The knowledge base shipped beside this file. */
export const DEFAULT_KNOWLEDGE_BASE_PATH = join(import.meta.dirname, 'knowledge-base.yaml');

const fixSchema = z.strictObject({
  action: z.string().min(1),
  priority: z.enum(['high', 'medium', 'low']),
  minutes: z.number().int().min(0),
  automatable: z.boolean(),
});

const answerFields = {
  category: z.enum(ANALYSIS_CATEGORIES),
  confidence: z.number().min(0).max(1),
  summary: z.string().min(1),
  rootCause: z.string().min(1),
  fixes: z.array(fixSchema).min(1),
};

const regex = z
  .string()
  .min(1)
  .refine(
    (source) => {
      try {
        new RegExp(source, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

const fileSchema = z.strictObject({
  version: z.string().min(1),
  entries: z.array(
    z.strictObject({
      id: z.string().min(1),
      when: z
        .strictObject({
          errorType: z.array(z.string().min(1)).min(1).optional(),
          exceptionType: regex.optional(),
          text: regex.optional(),
          httpStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
        })
        .refine((when) => Object.keys(when).length > 0, { message: 'an entry needs at least one condition' }),
      quote: z.array(z.string().min(1)).optional(),
      ...answerFields,
    }),
  ),
  unknown: z.strictObject(answerFields),
});

/** What an entry (or the unknown answer) says about an error it recognises. */
export interface KnownAnswer {
  category: AnalysisCategory;
  confidence: number;
  summary: string;
  rootCause: string;
  fixes: Fix[];
}

export interface KnowledgeEntry extends KnownAnswer {
  id: string;
  /** Sample attributes whose values the root cause lists. */
  quote: string[];
  matches(incident: Incident): boolean;
}

/**
 * The offline analyser's knowledge: ordered entries, the first that matches an incident
 * answers. Loaded from YAML and checked when loaded, so a bad edit fails at start, loudly.
 */
export class KnowledgeBase {
  readonly version: string;
  readonly entries: ReadonlyArray<KnowledgeEntry>;
  readonly unknown: KnownAnswer;

  constructor(version: string, entries: ReadonlyArray<KnowledgeEntry>, unknown: KnownAnswer) {
    this.version = version;
    this.entries = entries;
    this.unknown = unknown;
  }

  /** @throws Error naming the file and the first problem in it. */
  static load(path: string = DEFAULT_KNOWLEDGE_BASE_PATH): KnowledgeBase {
    const parsed = fileSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new Error(`knowledge base ${path}: ${issue?.path.join('.') || '/'}: ${issue?.message}`);
    }
    const file = parsed.data;
    const entries = file.entries.map((entry) => ({
      id: entry.id,
      quote: entry.quote ?? [],
      ...answerOf(entry),
      matches: matcher(entry.when),
    }));
    return new KnowledgeBase(file.version, entries, answerOf(file.unknown));
  }

  match(incident: Incident): KnowledgeEntry | undefined {
    return this.entries.find((entry) => entry.matches(incident));
  }
}

let shipped: KnowledgeBase | undefined;

/** The shipped knowledge base, loaded once. */
export function defaultKnowledgeBase(): KnowledgeBase {
  shipped ??= KnowledgeBase.load();
  return shipped;
}

function answerOf(answer: z.infer<typeof fileSchema>['unknown']): KnownAnswer {
  return {
    category: answer.category,
    confidence: answer.confidence,
    summary: answer.summary,
    rootCause: answer.rootCause,
    fixes: answer.fixes.map((fix, index) => ({
      rank: index + 1,
      action: fix.action,
      priority: fix.priority,
      estimatedMinutes: fix.minutes,
      automatable: fix.automatable,
    })),
  };
}

type When = z.infer<typeof fileSchema>['entries'][number]['when'];

function matcher(when: When): (incident: Incident) => boolean {
  const errorTypes = when.errorType ? new Set(when.errorType) : undefined;
  const exceptionType = when.exceptionType ? new RegExp(when.exceptionType, 'i') : undefined;
  const text = when.text ? new RegExp(when.text, 'i') : undefined;
  const statuses = when.httpStatus ? new Set(when.httpStatus) : undefined;
  return (incident) =>
    (!errorTypes || errorTypes.has(incident.errorType)) &&
    (!exceptionType || exceptionTypesOf(incident).some((type) => exceptionType.test(type))) &&
    (!text || textsOf(incident).some((value) => text.test(value))) &&
    (!statuses || httpStatusesOf(incident).some((status) => statuses.has(status)));
}

function exceptionTypesOf(incident: Incident): string[] {
  const types = incident.samples.map((sample) => sample.attributes['exception.type'] ?? '');
  return [incident.exceptionType, ...types].filter((type) => type !== '');
}

/** The message and what the samples say: bodies and exception messages (stacks are left out: they name too much). */
function textsOf(incident: Incident): string[] {
  const texts = [incident.title];
  for (const sample of incident.samples) {
    texts.push(sample.body);
    const message = sample.attributes['exception.message'];
    if (message) texts.push(message);
  }
  return texts;
}

const STATUS_IN_TEXT = /\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: code)?)[ :=]*([1-5]\d\d)\b/gi;

function httpStatusesOf(incident: Incident): number[] {
  const statuses: number[] = [];
  for (const sample of incident.samples) {
    const attribute = sample.attributes['http.response.status_code'];
    if (attribute && /^\d{3}$/.test(attribute)) statuses.push(Number(attribute));
  }
  for (const text of textsOf(incident)) {
    for (const match of text.matchAll(STATUS_IN_TEXT)) statuses.push(Number(match[1]));
  }
  return statuses;
}
