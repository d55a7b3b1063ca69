import type { TicketLink } from '../types.ts';

/** create: file the incident's ticket; comment: add a recurrence or regression comment; reopen: move a Done ticket back. */
export type JobKind = 'create' | 'comment' | 'reopen';
/** waiting: Jira refused it for a reason the settings cure (401, 403, …); queued again when they change or an admin retries. */
export type JobState = 'pending' | 'running' | 'waiting' | 'done' | 'failed';

export interface JobPayload {
  /** The incident's count when the job was queued (the comment throttle's reference). */
  count: number;
  /** Occurrences since the previous ticket update (comments). */
  sinceLast?: number;
  reason?: 'recurrence' | 'regression';
  /** A person's notes (manual tickets). */
  notes?: string;
  /** Who asked: 'stacklens' (the pipeline) or 'api' (a person). */
  actor: string;
  /** A waiting job: the digest of the Jira settings it failed under (settingsDigest); other settings queue it again. */
  waitingUnder?: string;
  /** When it was last queued again after waiting: its give-up clock starts there. */
  requeuedAt?: number;
}

/**
 * One Jira write, durable until done. Ids are derived from what the job is for (the
 * fingerprint and the incident's regression count or occurrence count), so receivers that
 * queue the same job at once write the same row and the store keeps one.
 */
export interface OutboxJob {
  id: string;
  kind: JobKind;
  incidentId: string;
  fingerprint: string;
  payload: JobPayload;
  state: JobState;
  /** Attempts started so far. */
  attempts: number;
  /** ms since the epoch: when the job is due (again). A running job is due again when its attempt's lease runs out. */
  nextAttemptAt: number;
  /** When its first attempt started: a create interrupted after that may have reached Jira. 0 before. */
  firstAttemptAt: number;
  lastError: string;
  /** The issue key, once done. */
  result: string;
  createdAt: number;
  updatedAt: number;
}

export interface OutboxCounts {
  pending: number;
  running: number;
  /** Jobs waiting for the Jira settings to be fixed. */
  waiting: number;
  done: number;
  failed: number;
  /** ms since the epoch of the earliest due job still waiting, undefined when none. */
  nextAttemptAt?: number;
}

/** Where jobs are kept (ClickHouse in the receiver): every state change is a new version of the row. */
export interface OutboxStore {
  put(job: OutboxJob): Promise<void>;
  get(id: string): Promise<OutboxJob | undefined>;
  /** Pending or running jobs due at `now`, oldest first. */
  due(now: number, limit: number): Promise<OutboxJob[]>;
  /** When the next pending or running job falls due; undefined when there is none. */
  nextDue(): Promise<number | undefined>;
  /** The fingerprint's most recent job of these kinds. */
  latest(fingerprint: string, kinds: ReadonlyArray<JobKind>): Promise<OutboxJob | undefined>;
  counts(): Promise<OutboxCounts>;
  /** The most recent failed jobs, newest first. */
  failures(limit: number): Promise<OutboxJob[]>;
  /** Jobs waiting for the settings to be fixed, oldest first. */
  waiting(limit: number): Promise<OutboxJob[]>;
}

/** The fingerprint → issue link table (`jira_links`): the primary guard of one open ticket per fingerprint. */
export interface LinkStore {
  get(fingerprint: string): Promise<TicketLink | undefined>;
  byKey(key: string): Promise<TicketLink | undefined>;
  forIncidents(incidentIds: ReadonlyArray<string>): Promise<Map<string, TicketLink>>;
  /** Links whose issue is not Done, oldest update first. */
  open(limit: number): Promise<TicketLink[]>;
  save(link: TicketLink): Promise<void>;
}

/**
 * Which receiver works the outbox: several receivers on one store queue jobs, one at a time
 * runs them, so no job runs twice at once.
 */
export interface OutboxLease {
  /** Whether this receiver may start a Jira call expected to take up to `forMs` from now. */
  held(forMs: number): boolean;
}

/** A lease for a receiver that is alone on its store. */
export const SOLE_LEASE: OutboxLease = { held: () => true };

export function newJob(fields: Pick<OutboxJob, 'id' | 'kind' | 'incidentId' | 'fingerprint' | 'payload'>, now: number): OutboxJob {
  return {
    ...fields,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    firstAttemptAt: 0,
    lastError: '',
    result: '',
    createdAt: now,
    updatedAt: now,
  };
}

export const createJobId = (fingerprint: string, generation: number): string => `create:${fingerprint}:${generation}`;
export const commentJobId = (fingerprint: string, count: number): string => `comment:${fingerprint}:${count}`;
export const reopenJobId = (fingerprint: string, generation: number): string => `reopen:${fingerprint}:${generation}`;
