import type { AuditEntry, Occurrence } from '../types.ts';

export interface PendingWritesLimits {
  /** Occurrence rows held for the repository at most [100,000]. */
  maxOccurrences: number;
  /** Audit entries held at most [10,000]. */
  maxAuditEntries: number;
}

export const DEFAULT_PENDING_LIMITS: PendingWritesLimits = { maxOccurrences: 100_000, maxAuditEntries: 10_000 };

/** One flush's worth of writes, taken out of the buffer. */
export interface WriteBatch {
  incidentIds: string[];
  occurrences: Occurrence[];
  audit: AuditEntry[];
}

/**
 * What the tracker has not yet written: the ids of changed incidents, occurrence rows and
 * audit entries. A failed write is given back and tried again on the next flush.
 *
 * Bounded: past a limit the OLDEST rows are dropped (and counted), so a long repository
 * outage costs the oldest occurrence rows, never memory without end. Incidents themselves are
 * never dropped: their state (count, first/last seen, breakdowns) is held in memory and
 * written whole, so counts stay right even when rows behind them were dropped.
 */
export class PendingWrites {
  readonly limits: PendingWritesLimits;
  #incidentIds = new Set<string>();
  #occurrences: Occurrence[] = [];
  #audit: AuditEntry[] = [];
  #droppedOccurrences = 0;
  #droppedAuditEntries = 0;

  constructor(limits: Partial<PendingWritesLimits> = {}) {
    this.limits = { ...DEFAULT_PENDING_LIMITS, ...limits };
  }

  markChanged(incidentId: string): void {
    this.#incidentIds.add(incidentId);
  }

  addOccurrence(occurrence: Occurrence): void {
    this.#occurrences.push(occurrence);
    // Trim in slices, not one row at a time: shifting a 100,000-row array per row would cost more than the row.
    if (this.#occurrences.length > this.limits.maxOccurrences + slack(this.limits.maxOccurrences)) {
      this.#occurrences = this.#trimOccurrences(this.#occurrences);
    }
  }

  addAudit(entry: AuditEntry): void {
    this.#audit.push(entry);
    if (this.#audit.length > this.limits.maxAuditEntries + slack(this.limits.maxAuditEntries)) {
      this.#audit = this.#trimAudit(this.#audit);
    }
  }

  get isEmpty(): boolean {
    return this.#incidentIds.size === 0 && this.#occurrences.length === 0 && this.#audit.length === 0;
  }

  get counts(): { incidents: number; occurrences: number; audit: number; droppedOccurrences: number; droppedAuditEntries: number } {
    return {
      incidents: this.#incidentIds.size,
      occurrences: this.#occurrences.length,
      audit: this.#audit.length,
      droppedOccurrences: this.#droppedOccurrences,
      droppedAuditEntries: this.#droppedAuditEntries,
    };
  }

  /** Everything pending, oldest first; the buffer is empty afterwards. */
  take(): WriteBatch {
    const batch = { incidentIds: [...this.#incidentIds], occurrences: this.#occurrences, audit: this.#audit };
    this.#incidentIds = new Set();
    this.#occurrences = [];
    this.#audit = [];
    return batch;
  }

  /** Puts back the parts of a batch that failed, ahead of what arrived since. */
  giveBack(failed: Partial<WriteBatch>): void {
    for (const id of failed.incidentIds ?? []) this.#incidentIds.add(id);
    if (failed.occurrences !== undefined && failed.occurrences.length > 0) {
      this.#occurrences = this.#trimOccurrences(failed.occurrences.concat(this.#occurrences));
    }
    if (failed.audit !== undefined && failed.audit.length > 0) {
      this.#audit = this.#trimAudit(failed.audit.concat(this.#audit));
    }
  }

  #trimOccurrences(rows: Occurrence[]): Occurrence[] {
    const excess = rows.length - this.limits.maxOccurrences;
    if (excess <= 0) return rows;
    this.#droppedOccurrences += excess;
    return rows.slice(excess);
  }

  #trimAudit(entries: AuditEntry[]): AuditEntry[] {
    const excess = entries.length - this.limits.maxAuditEntries;
    if (excess <= 0) return entries;
    this.#droppedAuditEntries += excess;
    return entries.slice(excess);
  }
}

function slack(limit: number): number {
  return Math.max(1, Math.floor(limit / 16));
}
