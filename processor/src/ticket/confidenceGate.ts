import type { Analysis, Incident, Severity } from '../types.ts';

/**
 * Whether the analysis is sure enough to file a ticket for an incident of this severity (a
 * rule's `ticket.minConfidence`). The design's table, `{ HIGH: 0.75, MEDIUM: 0.9 }`: CRITICAL
 * always, HIGH when the confidence is above 0.75, MEDIUM above 0.9 and repeating. A severity
 * left out of the map files as the policy says; MEDIUM and LOW also need the error to repeat
 * (2 or more occurrences), since one record of a minor error is rarely worth a ticket.
 */
export interface ConfidenceDecision {
  file: boolean;
  /** Why, for the audit trail. */
  detail: string;
  /** A short key of the reason, so one reason is audited once per incident. */
  reason: string;
}

export function confidenceGate(
  minConfidence: Partial<Record<Severity, number>> | undefined,
  incident: Pick<Incident, 'severity' | 'count'>,
  analysis: Pick<Analysis, 'confidence' | 'analyser'> | undefined,
): ConfidenceDecision {
  if (minConfidence === undefined) return { file: true, detail: '', reason: 'no-threshold' };
  const threshold = minConfidence[incident.severity];
  const has =
    analysis === undefined ? 'no analysis came in time' : `the ${analysis.analyser} analysis has ${analysis.confidence.toFixed(2)}`;
  if (threshold === undefined) {
    return { file: true, reason: 'no-threshold', detail: `${incident.severity} files whatever the confidence (${has})` };
  }
  // Not filed now: the stage decides again at the incident's next change (a later analysis, more occurrences).
  const later = 'no ticket for now, decided again at the next occurrence';
  if (analysis === undefined) {
    return {
      file: false,
      reason: 'no-analysis',
      detail: `${later}: ${incident.severity} needs an analysis with confidence above ${threshold}; none came in time`,
    };
  }
  const confidence = analysis.confidence.toFixed(2);
  if (!(analysis.confidence > threshold)) {
    return {
      file: false,
      reason: `low-confidence:${confidence}`,
      detail: `${later}: ${incident.severity} needs confidence above ${threshold}; ${has}`,
    };
  }
  const needsRepeat = incident.severity === 'MEDIUM' || incident.severity === 'LOW';
  if (needsRepeat && incident.count < 2) {
    return {
      file: false,
      reason: 'not-repeating',
      detail: `${later}: ${incident.severity} needs the error to repeat (1 occurrence so far; ${has})`,
    };
  }
  return {
    file: true,
    reason: 'confident',
    detail: `${has}, above ${threshold} for ${incident.severity}${needsRepeat ? `, and ${incident.count} occurrences` : ''}`,
  };
}
