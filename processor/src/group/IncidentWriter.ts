import type { AuditEntry, Incident, IncidentRepository, Occurrence } from '../types.ts';
import { PendingWrites, type PendingWritesLimits } from './PendingWrites.ts';

export interface IncidentWriterStats {
  pendingIncidents: number;
  pendingOccurrences: number;
  pendingAudit: number;
  droppedOccurrences: number;
  droppedAuditEntries: number;
  failedFlushes: number;
}

/**
 * The tracker's write path: gathers changed incidents, occurrence rows and audit entries and
 * writes them in at most three repository calls per flush. Writes never overlap, so versions
 * reach the repository in order; a failed call's data is kept and written by the next flush
 * (bounded: see PendingWrites).
 */
export class IncidentWriter {
  readonly #repository: IncidentRepository;
  readonly #pending: PendingWrites;
  /** The incident's current state for saving, by id; called once per changed incident per flush. */
  readonly #snapshot: (id: string) => Incident | undefined;
  #writing: Promise<void> | undefined;
  #failedFlushes = 0;

  constructor(
    repository: IncidentRepository,
    limits: Partial<PendingWritesLimits> | undefined,
    snapshot: (id: string) => Incident | undefined,
  ) {
    this.#repository = repository;
    this.#pending = new PendingWrites(limits);
    this.#snapshot = snapshot;
  }

  markChanged(incidentId: string): void {
    this.#pending.markChanged(incidentId);
  }

  addOccurrence(occurrence: Occurrence): void {
    this.#pending.addOccurrence(occurrence);
  }

  addAudit(entry: AuditEntry): void {
    this.#pending.addAudit(entry);
  }

  /** A write is in flight. */
  get busy(): boolean {
    return this.#writing !== undefined;
  }

  get stats(): IncidentWriterStats {
    const pending = this.#pending.counts;
    return {
      pendingIncidents: pending.incidents,
      pendingOccurrences: pending.occurrences,
      pendingAudit: pending.audit,
      droppedOccurrences: pending.droppedOccurrences,
      droppedAuditEntries: pending.droppedAuditEntries,
      failedFlushes: this.#failedFlushes,
    };
  }

  /**
   * Writes everything pending, after any write in flight. Resolves once written; rejects with
   * the repository's error (an AggregateError when several calls failed), the data kept.
   */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing.catch(() => {});
    if (this.#pending.isEmpty) return;
    const writing = this.#write();
    this.#writing = writing;
    try {
      await writing;
    } finally {
      if (this.#writing === writing) this.#writing = undefined;
    }
  }

  async #write(): Promise<void> {
    const batch = this.#pending.take();
    const incidents = batch.incidentIds.flatMap((id) => this.#snapshot(id) ?? []);
    const [saved, appended, audited] = await Promise.allSettled([
      incidents.length > 0 ? this.#repository.saveIncidents(incidents) : undefined,
      batch.occurrences.length > 0 ? this.#repository.appendOccurrences(batch.occurrences) : undefined,
      batch.audit.length > 0 ? this.#repository.appendAudit(batch.audit) : undefined,
    ]);
    const failed = [saved, appended, audited].filter((result) => result.status === 'rejected');
    if (failed.length === 0) return;
    this.#pending.giveBack({
      incidentIds: saved.status === 'rejected' ? batch.incidentIds : [],
      occurrences: appended.status === 'rejected' ? batch.occurrences : [],
      audit: audited.status === 'rejected' ? batch.audit : [],
    });
    this.#failedFlushes += 1;
    const reasons = failed.map((result) => (result as PromiseRejectedResult).reason as unknown);
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'incident repository writes failed');
  }
}
