/**
 * The plugin keeps its own copy of the receiver's event and incident shapes (its bundle must
 * not depend on the processor). These assignments make `npm run typecheck` fail when the
 * processor's shapes drift from what the plugin reads: every event the receiver can send must
 * be an event the plugin understands.
 */
import type { IncidentSummary as ProcessorIncidentSummary, LiveEvent as ProcessorLiveEvent } from '@stacklens/processor';
import type { IncidentSummary, LiveEvent } from '../../src/types.ts';

export const liveEventContract = (event: ProcessorLiveEvent): LiveEvent => event;
export const incidentSummaryContract = (incident: ProcessorIncidentSummary): IncidentSummary => incident;
