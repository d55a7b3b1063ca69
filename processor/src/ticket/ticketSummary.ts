import type { Incident } from '../types.ts';
import { cut } from './adf.ts';

/** Jira refuses a summary longer than this. */
export const MAX_SUMMARY_LENGTH = 255;

/**
 * `[CRITICAL] MISSING_PRICE: Product 999 has no price (STORE_001)`: severity, error type, the
 * latest occurrence's own message (the masked title when there is no sample) and the store it
 * hit most. A storm incident's summary is its title instead (`Storm: 200 new incidents of rule
 * … in …`): one sample's message would misname a storm of many errors. One line, at most 255
 * characters.
 */
export function ticketSummary(incident: Incident): string {
  const isStorm = incident.stormSize !== undefined;
  const message = ((isStorm ? '' : incident.samples[0]?.body) || incident.title).replace(/\s+/g, ' ').trim();
  const store = storeNote(incident.storeCounts);
  const head = `[${incident.severity}] ${cut(incident.errorType, 80)}: `;
  const tail = store === '' ? '' : ` (${store})`;
  return `${head}${cut(message, MAX_SUMMARY_LENGTH - head.length - tail.length)}${tail}`;
}

function storeNote(storeCounts: Record<string, number>): string {
  const stores = Object.entries(storeCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [first] = stores;
  if (!first) return '';
  const id = cut(first[0], 60);
  return stores.length === 1 ? id : `${id} +${stores.length - 1} more`;
}
