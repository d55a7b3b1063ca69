import type { Analysis, Incident } from '../types.ts';
import {
  bold,
  bulletList,
  code,
  codeBlock,
  cut,
  doc,
  heading,
  link,
  orderedList,
  paragraph,
  text,
  type AdfBlock,
  type AdfDocument,
  type AdfText,
} from './adf.ts';
import { fingerprintLabel } from './ticketLabels.ts';

/**
 * Jira keeps at most 32,767 characters in a description; the document's JSON is kept well
 * under that, so markup overhead never pushes a ticket over.
 */
export const MAX_DESCRIPTION_JSON = 30_000;

const LIST_LIMIT = 10;
const SAMPLE_BODY = 500;

export interface DescriptionInput {
  incident: Incident;
  analysis?: Analysis;
  /** The incident's page in StackLens. */
  incidentUrl?: string;
  /** A person's notes from a manual ticket request. */
  notes?: string;
}

/** The ticket's description: what happened, where, how often, samples, the AI analysis and a link back. */
export function ticketDescription(input: DescriptionInput): AdfDocument {
  const full = doc(sections(input, true));
  if (JSON.stringify(full).length <= MAX_DESCRIPTION_JSON) return full;
  // Sample bodies and notes are the only unbounded parts; the rest fits whatever the input.
  return doc(sections({ ...input, notes: input.notes && cut(input.notes, 2_000) }, false));
}

function sections(input: DescriptionInput, withSampleBodies: boolean): AdfBlock[] {
  const { incident, analysis, incidentUrl, notes } = input;
  const blocks: AdfBlock[] = [
    heading(2, 'What happened'),
    paragraph(
      text(`${cut(incident.service, 200)} logged `),
      bold(cut(incident.errorType, 200)),
      text(incident.exceptionType ? ` (${cut(incident.exceptionType, 200)})` : ''),
      text(`, severity ${incident.severity}, detected by rule ${cut(incident.ruleId, 200)}.`),
    ),
    codeBlock(cut(incident.title, 2_000)),
    heading(3, 'Counts'),
    bulletList([
      [bold('Occurrences: '), text(String(incident.count))],
      [bold('First seen: '), text(incident.firstSeen)],
      [bold('Last seen: '), text(incident.lastSeen)],
      ...(incident.regressions > 0 ? [[bold('Regressions: '), text(String(incident.regressions))]] : []),
    ]),
    ...breakdown('Stores', incident.storeCounts),
    ...breakdown('Kiosks', incident.kioskCounts),
    ...samples(incident, withSampleBodies),
    ...analysisBlocks(analysis),
  ];
  if (notes) blocks.push(heading(3, 'Notes'), paragraph(text(cut(notes, 8_000))));
  blocks.push(
    paragraph(
      ...(incidentUrl ? [link('Open the incident in StackLens', incidentUrl), text(' · ')] : []),
      text('Fingerprint '),
      code(incident.fingerprint),
      text(', label '),
      code(fingerprintLabel(incident.fingerprint)),
    ),
  );
  return blocks;
}

function breakdown(title: string, counts: Record<string, number>): AdfBlock[] {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return [];
  const items: AdfText[][][] = entries.slice(0, LIST_LIMIT).map(([id, count]) => [bold(cut(id, 200)), text(`: ${count}`)]);
  if (entries.length > LIST_LIMIT) items.push([text(`…and ${entries.length - LIST_LIMIT} more`)]);
  return [heading(3, title), bulletList(items)];
}

function samples(incident: Incident, withBodies: boolean): AdfBlock[] {
  if (incident.samples.length === 0) return [];
  const items = incident.samples
    .slice(0, LIST_LIMIT)
    .map((sample): AdfText[][] => [
      text(`${sample.timestamp} `),
      text([sample.storeId, sample.kioskId].filter(Boolean).join(' / ')),
      text(' trace '),
      code(sample.traceId || '—'),
      withBodies ? text(`: ${cut(sample.body, SAMPLE_BODY)}`) : [],
    ]);
  return [heading(3, 'Recent occurrences'), bulletList(items)];
}

function analysisBlocks(analysis: Analysis | undefined): AdfBlock[] {
  if (!analysis) return [];
  const confidence = `${Math.round(analysis.confidence * 100)} %`;
  const blocks: AdfBlock[] = [
    heading(3, 'AI analysis'),
    paragraph(bold('Root cause: '), text(cut(analysis.rootCause, 2_000))),
    paragraph(
      text(`Confidence ${confidence}, category ${analysis.category}, by the ${analysis.analyser} analyser (${cut(analysis.model, 100)}).`),
    ),
  ];
  const fixes = [...analysis.fixes].sort((a, b) => a.rank - b.rank).slice(0, LIST_LIMIT);
  if (fixes.length > 0) {
    blocks.push(
      orderedList(
        fixes.map((fix) => [
          text(cut(fix.action, 500)),
          text(` — ${fix.priority} priority, about ${fix.estimatedMinutes} min${fix.automatable ? ', automatable' : ''}`),
        ]),
      ),
    );
  }
  return blocks;
}
