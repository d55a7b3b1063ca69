import type { Fix, Incident } from '../types.ts';
import type { Analyser, AnalysisRequest, Finding, PastIncident } from './Analyser.ts';
import { defaultKnowledgeBase, type KnowledgeBase, type KnownAnswer } from './KnowledgeBase.ts';
import { redact } from './redact.ts';

/** Quoted attribute values listed per attribute, at most. */
const MAX_QUOTED = 5;
const MAX_STORES_NAMED = 5;
/** A recognised error whose kind has been resolved before is a little more certain; never certain. */
const RESOLVED_BEFORE_BONUS = 0.05;
const MAX_CONFIDENCE = 0.95;
/** A past analysis borrowed for an error the knowledge base does not know counts for this much of its confidence. */
const BORROWED_CONFIDENCE_FACTOR = 0.6;
const MAX_BORROWED_CONFIDENCE = 0.5;

/**
 * The analyser that needs nothing outside StackLens: the knowledge base for errors it
 * recognises, the analyses and tickets of similar past incidents for those it does not, and
 * a low confidence when neither helps. Answers in microseconds.
 */
export class OfflineAnalyser implements Analyser {
  readonly kind = 'offline';
  readonly model: string;
  readonly #knowledge: KnowledgeBase;

  constructor(knowledge: KnowledgeBase = defaultKnowledgeBase()) {
    this.#knowledge = knowledge;
    this.model = knowledge.version;
  }

  async analyse(request: AnalysisRequest): Promise<Finding> {
    return this.analyseNow(request);
  }

  /** The same answer, synchronously. */
  analyseNow({ incident, similar }: AnalysisRequest): Finding {
    const entry = this.#knowledge.match(incident);
    const borrowed = entry ? undefined : borrowable(incident, similar);
    let finding: Finding;
    if (entry) finding = fromKnowledge(entry, incident, entry.quote);
    else if (borrowed) finding = fromPast(borrowed, incident);
    else finding = fromKnowledge(this.#knowledge.unknown, incident, [], `${incident.errorType}: ${incident.title}`);
    if (entry && resolvedBefore(incident, similar)) {
      finding.confidence = Math.min(MAX_CONFIDENCE, round(finding.confidence + RESOLVED_BEFORE_BONUS));
    }
    finding.fixes = [...finding.fixes, ...ticketFixes(similar, finding.fixes.length)];
    return finding;
  }
}

function fromKnowledge(answer: KnownAnswer, incident: Incident, quote: ReadonlyArray<string>, subject?: string): Finding {
  const quoted = quotedValues(incident, quote);
  const detail = subject ?? quoted.map(([name, values]) => `${name} ${values.join(', ')}`).join('; ');
  return {
    rootCause: redact(`${answer.rootCause} ${evidence(incident, quoted)}`),
    category: answer.category,
    fixes: answer.fixes.map((fix) => ({ ...fix })),
    confidence: answer.confidence,
    summary: redact(cut(detail ? `${answer.summary} (${detail})` : answer.summary, 160)),
  };
}

/** An error the knowledge base does not know, but a past incident of the same type had analysed. */
function fromPast(past: PastIncident, incident: Incident): Finding {
  const ticket = past.ticketKey ? ` (${past.ticketKey})` : '';
  return {
    rootCause: redact(`As found for the similar incident "${past.title}"${ticket}: ${past.rootCause} ${evidence(incident, [])}`),
    category: past.category ?? 'unknown',
    fixes: past.fixes.map((fix, index) => ({ ...fix, rank: index + 1 })),
    confidence: round(Math.min(MAX_BORROWED_CONFIDENCE, (past.confidence ?? 0) * BORROWED_CONFIDENCE_FACTOR)),
    summary: redact(cut(`Like ${past.errorType}${ticket}: ${incident.title}`, 160)),
  };
}

function borrowable(incident: Incident, similar: ReadonlyArray<PastIncident>): PastIncident | undefined {
  return similar.find((past) => past.errorType === incident.errorType && past.rootCause && past.fixes.length > 0);
}

function resolvedBefore(incident: Incident, similar: ReadonlyArray<PastIncident>): boolean {
  return similar.some(
    (past) => past.errorType === incident.errorType && (past.status === 'resolved' || past.ticketStatusCategory === 'done'),
  );
}

/** Pointers to the tickets of similar incidents: what was done there is the best lead there is. */
function ticketFixes(similar: ReadonlyArray<PastIncident>, ranked: number): Fix[] {
  return similar
    .filter((past) => past.ticketKey)
    .slice(0, 2)
    .map((past, index) => ({
      rank: ranked + index + 1,
      action: `See ${past.ticketKey} (similar incident "${cut(past.title, 80)}", ${past.ticketStatusCategory === 'done' ? 'done' : past.status}) for what was found and changed there`,
      priority: 'medium',
      estimatedMinutes: 10,
      automatable: false,
    }));
}

function evidence(incident: Incident, quoted: ReadonlyArray<[string, string[]]>): string {
  const stores = Object.entries(incident.storeCounts).sort((a, b) => b[1] - a[1]);
  const named = stores.slice(0, MAX_STORES_NAMED).map(([store]) => store);
  const more = stores.length > MAX_STORES_NAMED ? ` and ${stores.length - MAX_STORES_NAMED} more` : '';
  const where = stores.length === 0 ? '' : ` in ${stores.length} store${stores.length === 1 ? '' : 's'} (${named.join(', ')}${more})`;
  const times = incident.count === 1 ? 'once' : `${incident.count} times`;
  const values = quoted.map(([name, list]) => ` ${name}: ${list.join(', ')}.`).join('');
  const when =
    incident.firstSeen === incident.lastSeen ? `at ${incident.firstSeen}` : `between ${incident.firstSeen} and ${incident.lastSeen}`;
  return `Seen ${times}${where} ${when}.${values}`;
}

function quotedValues(incident: Incident, names: ReadonlyArray<string>): Array<[string, string[]]> {
  const quoted: Array<[string, string[]]> = [];
  for (const name of names) {
    const values = [...new Set(incident.samples.map((sample) => sample.attributes[name] ?? '').filter((value) => value !== ''))];
    if (values.length > 0) quoted.push([name, values.slice(0, MAX_QUOTED)]);
  }
  return quoted;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
