import type { AuditEntry, Incident, IncidentRepository, Occurrence } from '../../src/types.ts';

/**
 * A test double of the IncidentRepository port: keeps every saved version (the latest wins on
 * load, as a ReplacingMergeTree would answer with FINAL) and copies on the way in and out, so
 * nothing the tracker holds is shared with what is "stored". `failing` makes every call fail
 * until it is set back.
 */
export class InMemoryIncidentRepository implements IncidentRepository {
  readonly versions: Incident[] = [];
  readonly occurrences: Occurrence[] = [];
  readonly audit: AuditEntry[] = [];
  failing = false;
  calls = { loadIncidents: 0, saveIncidents: 0, appendOccurrences: 0, appendAudit: 0 };

  async loadIncidents(): Promise<Incident[]> {
    this.calls.loadIncidents++;
    this.#failIfAsked('loadIncidents');
    return [...this.latest().values()].map((incident) => structuredClone(incident));
  }

  async saveIncidents(incidents: ReadonlyArray<Incident>): Promise<void> {
    this.calls.saveIncidents++;
    this.#failIfAsked('saveIncidents');
    this.versions.push(...incidents.map((incident) => structuredClone(incident)));
  }

  async appendOccurrences(occurrences: ReadonlyArray<Occurrence>): Promise<void> {
    this.calls.appendOccurrences++;
    this.#failIfAsked('appendOccurrences');
    this.occurrences.push(...occurrences.map((occurrence) => ({ ...occurrence })));
  }

  async appendAudit(entries: ReadonlyArray<AuditEntry>): Promise<void> {
    this.calls.appendAudit++;
    this.#failIfAsked('appendAudit');
    this.audit.push(...entries.map((entry) => ({ ...entry })));
  }

  /** Each incident's latest saved version, by updatedAt. */
  latest(): Map<string, Incident> {
    const latest = new Map<string, Incident>();
    for (const version of this.versions) {
      const known = latest.get(version.id);
      if (known === undefined || known.updatedAt <= version.updatedAt) latest.set(version.id, version);
    }
    return latest;
  }

  #failIfAsked(call: string): void {
    if (this.failing) throw new Error(`${call}: the store is down`);
  }
}
