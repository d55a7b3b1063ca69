import type { Incident } from '../types.ts';
import type { AnalysisRequest, PastIncident } from './Analyser.ts';
import { emptyCounts, redact, type RedactionCounts } from './redact.ts';

/**
 * What goes to a model about an incident, redacted and bounded: the user message is at most
 * MAX_PROMPT_CHARS characters (about 3,000 tokens) whatever the incident holds.
 */
export const MAX_PROMPT_CHARS = 12_000;

const MAX_SAMPLES = 3;
const MAX_BODY_CHARS = 800;
const MAX_STACK_CHARS = 3_000;
const MAX_ATTRIBUTE_CHARS = 200;
const MAX_BREAKDOWN = 10;
const MAX_SIMILAR = 5;
/** Attributes shown elsewhere in the prompt (or too long to be worth it). */
const SKIPPED_ATTRIBUTES = new Set(['exception.stacktrace', 'pos.store.id', 'pos.kiosk.id']);

export const SYSTEM_PROMPT = [
  'You analyse production errors for StackLens, which groups application error logs into incidents',
  '(here mostly a point-of-sale platform: products, prices, stock, payments, stores and kiosks).',
  'Given one incident, answer with the JSON object the response format describes: the most likely root cause,',
  'grounded in the evidence given; a category; up to six concrete fixes, best first, each with a priority,',
  'an estimate in minutes and whether a script could apply it unattended; a confidence from 0 to 1; and a',
  'one-line summary for a ticket title. Be honest: when the evidence does not identify the cause, say what is',
  'missing and give a confidence below 0.3. Values shown as [REDACTED_…] were removed for privacy.',
].join(' ');

export interface Prompt {
  system: string;
  user: string;
  /** What redaction removed from the user message. */
  redactions: RedactionCounts;
}

export function buildPrompt(request: AnalysisRequest): Prompt {
  const { incident } = request;
  const redactions = emptyCounts();
  // Each value is redacted before it is cut, so a cut never splits a card number into digits that pass.
  const clip: Clip = (text, max) => cut(redact(text, redactions), max);
  const lines = [
    ...incidentLines(incident, clip),
    ...sampleLines(incident, clip),
    ...stackLines(incident, clip),
    ...similarLines(request.similar, clip),
  ];
  const user = cut(lines.join('\n'), MAX_PROMPT_CHARS);
  return { system: SYSTEM_PROMPT, user, redactions };
}

/** Redacts, then cuts to `max` characters. */
type Clip = (text: string, max: number) => string;

function incidentLines(incident: Incident, clip: Clip): string[] {
  return [
    'Incident',
    `  service: ${clip(incident.service, MAX_ATTRIBUTE_CHARS)}`,
    `  error type: ${clip(incident.errorType, MAX_ATTRIBUTE_CHARS)}`,
    ...(incident.exceptionType ? [`  exception type: ${clip(incident.exceptionType, MAX_ATTRIBUTE_CHARS)}`] : []),
    `  severity: ${incident.severity}`,
    `  message (ids and numbers masked): ${clip(incident.title, MAX_BODY_CHARS)}`,
    `  occurrences: ${incident.count}, first seen ${incident.firstSeen}, last seen ${incident.lastSeen}`,
    `  regressions (fired again after being resolved): ${incident.regressions}`,
    `  stores: ${clip(breakdown(incident.storeCounts), MAX_BODY_CHARS)}`,
    `  kiosks: ${clip(breakdown(incident.kioskCounts), MAX_BODY_CHARS)}`,
  ];
}

function sampleLines(incident: Incident, clip: Clip): string[] {
  const samples = incident.samples.slice(0, MAX_SAMPLES);
  if (samples.length === 0) return [];
  const lines = ['Latest occurrences'];
  for (const sample of samples) {
    lines.push(`- at ${sample.timestamp} store ${clip(sample.storeId || '-', 100)} kiosk ${clip(sample.kioskId || '-', 100)}`);
    lines.push(`  body: ${clip(sample.body, MAX_BODY_CHARS)}`);
    const attributes = Object.entries(sample.attributes).filter(([name]) => !SKIPPED_ATTRIBUTES.has(name));
    for (const [name, value] of attributes) lines.push(`  ${clip(name, 100)}: ${clip(value, MAX_ATTRIBUTE_CHARS)}`);
  }
  return lines;
}

function stackLines(incident: Incident, clip: Clip): string[] {
  const stack = incident.samples.find((sample) => sample.attributes['exception.stacktrace'])?.attributes['exception.stacktrace'];
  return stack ? ['Stack trace (latest)', clip(stack, MAX_STACK_CHARS)] : [];
}

function similarLines(similar: ReadonlyArray<PastIncident>, clip: Clip): string[] {
  if (similar.length === 0) return ['Similar past incidents: none found'];
  const lines = ['Similar past incidents'];
  for (const past of similar.slice(0, MAX_SIMILAR)) {
    const ticket = past.ticketKey ? `, ticket ${past.ticketKey}${past.ticketStatusCategory ? ` (${past.ticketStatusCategory})` : ''}` : '';
    lines.push(`- ${clip(past.errorType, 100)}: ${clip(past.title, 200)} [${past.status}${clip(ticket, 100)}]`);
    if (past.rootCause) lines.push(`  root cause found then: ${clip(past.rootCause, 300)}`);
    for (const fix of past.fixes.slice(0, 3)) lines.push(`  fix suggested then: ${clip(fix.action, 200)}`);
  }
  return lines;
}

function breakdown(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return 'none recorded';
  const shown = entries.slice(0, MAX_BREAKDOWN).map(([name, count]) => `${name} ×${count}`);
  const more = entries.length > MAX_BREAKDOWN ? ` and ${entries.length - MAX_BREAKDOWN} more` : '';
  return `${entries.length} (${shown.join(', ')}${more})`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
