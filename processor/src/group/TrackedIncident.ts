import type { Detection, Incident } from '../types.ts';

/** An incident as the tracker holds it: the state, plus what it needs to update it cheaply. */
export interface TrackedIncident {
  incident: Incident;
  firstSeenMs: number;
  lastSeenMs: number;
  updatedMs: number;
  /** updatedAt of the last version handed to the repository: the next version must be later. */
  savedMs: number;
  /** An event about its occurrences went out since the last tick: further ones wait for the tick. */
  hot: boolean;
  /** Occurrences not yet announced, and the latest of them. */
  unannounced: number;
  latestUnannounced: Detection | undefined;
  /** The later stages have heard of it (false while a new incident is held: StormGuard's holdMs). */
  toldStages: boolean;
}

/** Wraps an incident (new, or loaded from the repository) for tracking. */
export function trackedFrom(incident: Incident): TrackedIncident {
  const firstSeenMs = Date.parse(incident.firstSeen);
  const lastSeenMs = Date.parse(incident.lastSeen);
  const updatedMs = Date.parse(incident.updatedAt);
  return {
    incident,
    firstSeenMs: Number.isNaN(firstSeenMs) ? Infinity : firstSeenMs,
    lastSeenMs: Number.isNaN(lastSeenMs) ? -Infinity : lastSeenMs,
    updatedMs: Number.isNaN(updatedMs) ? 0 : updatedMs,
    savedMs: Number.isNaN(updatedMs) ? 0 : updatedMs,
    hot: false,
    unannounced: 0,
    latestUnannounced: undefined,
    toldStages: true,
  };
}
