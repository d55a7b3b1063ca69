import type { AuditEntry, GroupingState, Incident, IncidentRepository, Occurrence } from '../../src/types.ts';

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
  /** Templates by scope and text (a replaced text is removed), and aliases in the order saved. */
  readonly templates = new Map<string, { scope: string; template: string }>();
  readonly aliases: GroupingState['aliases'] = [];
  failing = false;
  calls = { loadIncidents: 0, saveIncidents: 0, appendOccurrences: 0, appendAudit: 0, loadGrouping: 0, saveGrouping: 0 };

  async loadGrouping(): Promise<GroupingState> {
    this.calls.loadGrouping++;
    this.#failIfAsked('loadGrouping');
    return {
      templates: [...this.templates.values()].map((template) => ({ ...template })),
      aliases: this.aliases.map((alias) => ({ ...alias })),
    };
  }

  async saveGrouping(changes: GroupingState): Promise<void> {
    this.calls.saveGrouping++;
    this.#failIfAsked('saveGrouping');
    for (const { scope, template, replaces } of changes.templates) {
      if (replaces !== undefined) this.templates.delete(`${scope}\u0000${replaces}`);
      this.templates.set(`${scope}\u0000${template}`, { scope, template });
    }
    this.aliases.push(...changes.aliases.map((alias) => ({ ...alias })));
  }

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
