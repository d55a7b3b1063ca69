import type { JobKind, JobPayload, JobState, OutboxCounts, OutboxJob, OutboxStore } from '@stacklens/processor/ticket';
import type { ClickHouseTransport } from '../store/ClickHouseTransport.ts';
import { VersionClock } from '../store/VersionClock.ts';

const COLUMNS = [
  'id',
  'kind',
  'incidentId',
  'fingerprint',
  'payload',
  'state',
  'attempts',
  'nextAttemptAt',
  'firstAttemptAt',
  'lastError',
  'result',
  'createdAt',
  'updatedAt',
  'version',
] as const;

// Aliases differ from the column names: ClickHouse would let an alias shadow its column in WHERE and ORDER BY.
const SELECT = `id, kind, incidentId, fingerprint, payload, state, attempts,
  toUnixTimestamp64Milli(nextAttemptAt) AS nextAttemptMs, toUnixTimestamp64Milli(firstAttemptAt) AS firstAttemptMs,
  lastError, result, toUnixTimestamp64Milli(createdAt) AS createdMs, toUnixTimestamp64Milli(updatedAt) AS updatedMs`;

interface JobRow {
  id: string;
  kind: string;
  incidentId: string;
  fingerprint: string;
  payload: string;
  state: string;
  attempts: number | string;
  nextAttemptMs: number | string;
  firstAttemptMs: number | string;
  lastError: string;
  result: string;
  createdMs: number | string;
  updatedMs: number | string;
}

/**
 * The outbox in ClickHouse (`jira_outbox`): shared by every receiver on the store, so a job
 * queued by one is worked by whichever holds the lease, and it survives restarts. Each state
 * change is a new version of the job's row; reads take the newest (FINAL).
 */
export class ClickHouseOutboxStore implements OutboxStore {
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #versions = new VersionClock();

  constructor(transport: ClickHouseTransport, table: string) {
    this.#transport = transport;
    this.#table = table;
  }

  async put(job: OutboxJob): Promise<void> {
    const row = [
      job.id,
      job.kind,
      job.incidentId,
      job.fingerprint,
      JSON.stringify(job.payload),
      job.state,
      job.attempts,
      Math.trunc(job.nextAttemptAt),
      Math.trunc(job.firstAttemptAt),
      job.lastError,
      job.result,
      Math.trunc(job.createdAt),
      Math.trunc(job.updatedAt),
      this.#versions.next(),
    ];
    await this.#transport.insertCompactJson(this.#table, COLUMNS, `${JSON.stringify(row)}\n`);
  }

  async get(id: string): Promise<OutboxJob | undefined> {
    return (await this.#select('id = {id:String}', { id }, 'id', 1))[0];
  }

  async due(now: number, limit: number): Promise<OutboxJob[]> {
    return this.#select(
      `state IN ('pending', 'running') AND nextAttemptAt <= fromUnixTimestamp64Milli({now:Int64})`,
      { now: Math.trunc(now) },
      'createdAt, id',
      limit,
    );
  }

  async nextDue(): Promise<number | undefined> {
    const [row] = await this.#transport.query<{ next: number | string; jobs: number | string }>(
      `SELECT toUnixTimestamp64Milli(min(nextAttemptAt)) AS next, count() AS jobs FROM ${this.#table} FINAL WHERE state IN ('pending', 'running')`,
    );
    return row && Number(row.jobs) > 0 ? Number(row.next) : undefined;
  }

  async latest(fingerprint: string, kinds: ReadonlyArray<JobKind>): Promise<OutboxJob | undefined> {
    return (
      await this.#select(
        'fingerprint = {fingerprint:String} AND kind IN {kinds:Array(String)}',
        { fingerprint, kinds },
        'createdAt DESC, id DESC',
        1,
      )
    )[0];
  }

  async counts(): Promise<OutboxCounts> {
    const rows = await this.#transport.query<{ state: string; jobs: number | string; next: number | string }>(
      `SELECT state, count() AS jobs, toUnixTimestamp64Milli(min(nextAttemptAt)) AS next FROM ${this.#table} FINAL GROUP BY state`,
    );
    const counts: OutboxCounts = { pending: 0, running: 0, waiting: 0, done: 0, failed: 0 };
    for (const row of rows) {
      if (!(row.state in counts)) continue;
      counts[row.state as JobState] = Number(row.jobs);
      if (row.state === 'pending' || row.state === 'running') {
        counts.nextAttemptAt = Math.min(counts.nextAttemptAt ?? Infinity, Number(row.next));
      }
    }
    return counts;
  }

  async failures(limit: number): Promise<OutboxJob[]> {
    return this.#select(`state = 'failed'`, {}, 'updatedAt DESC', limit);
  }

  async waiting(limit: number): Promise<OutboxJob[]> {
    return this.#select(`state = 'waiting'`, {}, 'createdAt, id', limit);
  }

  async #select(
    where: string,
    params: Record<string, string | number | ReadonlyArray<string>>,
    orderBy: string,
    limit: number,
  ): Promise<OutboxJob[]> {
    const rows = await this.#transport.query<JobRow>(
      `SELECT ${SELECT} FROM ${this.#table} FINAL WHERE ${where} ORDER BY ${orderBy} LIMIT {limit:UInt32}`,
      { ...params, limit },
    );
    return rows.map(jobFromRow);
  }
}

function jobFromRow(row: JobRow): OutboxJob {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    incidentId: row.incidentId,
    fingerprint: row.fingerprint,
    payload: JSON.parse(row.payload) as JobPayload,
    state: row.state as JobState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.nextAttemptMs),
    firstAttemptAt: Number(row.firstAttemptMs),
    lastError: row.lastError,
    result: row.result,
    createdAt: Number(row.createdMs),
    updatedAt: Number(row.updatedMs),
  };
}
