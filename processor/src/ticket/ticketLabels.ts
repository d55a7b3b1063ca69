import type { Incident } from '../types.ts';
import type { JiraSettings } from './JiraSettings.ts';

export const STACKLENS_LABEL = 'stacklens';
const FINGERPRINT_PREFIX = 'stacklens-fp-';
const MAX_LABEL_LENGTH = 255;

/** The label that ties an issue to its fingerprint: what the JQL fallback searches for. */
export function fingerprintLabel(fingerprint: string): string {
  return jiraLabel(`${FINGERPRINT_PREFIX}${fingerprint}`);
}

/** Jira labels cannot hold spaces; anything else is kept. */
export function jiraLabel(value: string): string {
  return value.trim().replace(/\s+/g, '_').slice(0, MAX_LABEL_LENGTH);
}

/** `stacklens`, the error type, the fingerprint label, then the configured ones; no duplicates. */
export function ticketLabels(incident: Incident, settings: Pick<JiraSettings, 'labels'>): string[] {
  const labels = [STACKLENS_LABEL, incident.errorType, fingerprintLabel(incident.fingerprint), ...settings.labels]
    .map(jiraLabel)
    .filter((label) => label !== '');
  return [...new Set(labels)];
}
