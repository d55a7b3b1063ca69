import type { LiveEvent, Severity } from '../types.ts';

/** What a live-feed client asked to see. An absent or empty list lets everything through. */
export interface LiveEventFilter {
  severity?: ReadonlyArray<Severity>;
  service?: ReadonlyArray<string>;
  /** Store ids: an `error.detected` of that store, or an incident that has occurred there. */
  store?: ReadonlyArray<string>;
}

/** Whether an event passes a client's filter; every list given must match. */
export function matchesFilter(event: LiveEvent, filter: LiveEventFilter): boolean {
  const { severity, service, store } = filter;
  if (event.type === 'error.detected') {
    return allows(severity, event.severity) && allows(service, event.service) && allows(store, event.storeId);
  }
  const { incident } = event;
  return (
    allows(severity, incident.severity) &&
    allows(service, incident.service) &&
    (store === undefined || store.length === 0 || store.some((id) => (incident.storeCounts[id] ?? 0) > 0))
  );
}

function allows<T>(wanted: ReadonlyArray<T> | undefined, value: T): boolean {
  return wanted === undefined || wanted.length === 0 || wanted.includes(value);
}
