import type { Analysis, AuditEntry, Incident } from '../types.ts';
import type { PastIncident } from './Analyser.ts';

/** Where analyses are kept (ClickHouse in the receiver): one per incident, the latest wins. */
export interface AnalysisStore {
  /** Saves analyses of several incidents in one write. */
  save(analyses: ReadonlyArray<Analysis>): Promise<void>;
  /** The stored analyses of these incidents, by incident id (absent ones are left out). */
  load(incidentIds: ReadonlyArray<string>): Promise<Map<string, Analysis>>;
}

/** Past incidents like this one: same error type or a close message, with their analyses and tickets. */
export interface SimilarIncidentFinder {
  findSimilar(incident: Incident, limit: number): Promise<PastIncident[]>;
}

/** The incident audit trail (the IncidentRepository's appendAudit). */
export interface AuditLog {
  appendAudit(entries: ReadonlyArray<AuditEntry>): Promise<void>;
}
