import type { Incident } from '../types.ts';
import { bold, cut, doc, paragraph, text, type AdfDocument } from './adf.ts';

export type CommentReason = 'recurrence' | 'regression';

/** The comment added when the incident keeps happening or fires again after being resolved. */
export function recurrenceComment(incident: Incident, reason: CommentReason, sinceLast: number): AdfDocument {
  const stores = Object.entries(incident.storeCounts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([id, count]) => `${cut(id, 100)} ${count}`)
    .join(', ');
  const opening = reason === 'regression' ? `Fired again after being resolved (regression ${incident.regressions}): ` : 'Still happening: ';
  return doc([
    paragraph(
      text(opening),
      bold(`${incident.count} occurrences`),
      text(` in total (+${sinceLast} since the last update), last seen ${incident.lastSeen}.`),
    ),
    ...(stores ? [paragraph(text(`Top stores: ${stores}.`))] : []),
  ]);
}
