import { createHash } from 'node:crypto';
import { RecentTokens } from './RecentTokens.ts';

/** Encoded rows: text, or its UTF-8 bytes (which the embedded engine takes without a copy). */
export type RowsPayload = string | Uint8Array;

/** Writes one batch of encoded rows; the token makes a retried batch idempotent. */
export type BatchWriter<Payload extends RowsPayload = string> = (payload: Payload, deduplicationToken: string) => Promise<void>;

export interface WriteQueueOptions {
  /** Rows waiting (not yet written) beyond which new writes are refused. */
  maxQueuedRows: number;
  /**
   * Encoded size waiting beyond which new writes are refused too (bytes, or characters of a text
   * payload) [unbounded]: a few rows can be very large, so rows alone do not bound memory.
   */
  maxQueuedBytes?: number;
  /** Rows per batch: writes queued behind a running insert are merged up to this size. */
  maxBatchRows: number;
  /**
   * Inserts allowed to run at once. Beyond the first, an insert starts only for a full batch
   * (maxBatchRows waiting): below that, rows are better merged into the next insert.
   */
  maxConcurrentWrites: number;
  /**
   * Tokens of stored requests remembered, so a retry of one (its answer lost, or the client
   * gave up waiting) stores nothing twice even when it was merged into a larger insert, which
   * the table's own deduplication cannot recognise (default 20,000; 0 turns this off).
   */
  rememberedTokens?: number;
}

const REMEMBERED_TOKENS = 20_000;

/** An insert slower than this shows that the store pays a real cost per insert, worth gathering rows for. */
const SLOW_INSERT_MS = 10;
/**
 * After a slow insert, the next one may wait for more rows up to that insert's duration (so
 * an answer waits at most about twice as long as the store takes)… Half of it, capped at 50 ms,
 * was too short on a busy machine: decoding the requests the clients send back takes longer,
 * and the insert went with half of them (4,800–5,100 rows per insert against 5,800–6,700 with
 * this, 8,000 rows in flight, bench/ingest.ts).
 */
const GATHER_SHARE = 1;
/** …but never longer than this. */
const MAX_GATHER_MS = 250;
/**
 * Fewer rows than this are not worth waiting for: at tens or hundreds of rows per insert the
 * engine is far from its limit, and waiting would only delay the answers (and the live feed).
 */
const MIN_GATHER_ROWS = 1000;

/** The queue is full: the client should retry later (429). */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

/** The receiver is shutting down and takes no new writes (503). */
export class QueueClosedError extends Error {
  override name = 'QueueClosedError';
}

interface PendingWrite<Payload extends RowsPayload> {
  payload: Payload;
  rows: number;
  bytes: number;
  token: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface WriteQueueStats {
  queuedRows: number;
  queuedBytes: number;
  writesInFlight: number;
  rowsWritten: number;
  batchesWritten: number;
  failedBatches: number;
  /** Requests answered from an identical one already stored or being stored, instead of stored again. */
  duplicatesSkipped: number;
  lastError?: string;
}

/**
 * Merges concurrent requests into few large inserts (the engine's speed
 * depends on batch size far more than on anything else) while each request's
 * promise settles only once its own rows are stored: nothing is acknowledged early.
 */
export class WriteQueue<Payload extends RowsPayload = RowsPayload> {
  readonly #write: BatchWriter<Payload>;
  readonly #options: WriteQueueOptions;
  readonly #pending: PendingWrite<Payload>[] = [];
  #queuedRows = 0;
  #queuedBytes = 0;
  /** Rows in #pending, i.e. queued and not yet being written. */
  #pendingRows = 0;
  #inFlight = 0;
  /** Rows the next insert may wait for, and until when (performance.now()) it may wait. */
  #gatherRows = 0;
  #gatherUntil = 0;
  #gatherTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #idleWaiters: Array<() => void> = [];
  /** Writes accepted and not yet settled, by token: the same request again joins the first. */
  readonly #unsettled = new Map<string, Promise<boolean>>();
  readonly #stored: RecentTokens;
  readonly #stats = {
    rowsWritten: 0,
    batchesWritten: 0,
    failedBatches: 0,
    duplicatesSkipped: 0,
    lastError: undefined as string | undefined,
  };

  constructor(write: BatchWriter<Payload>, options: WriteQueueOptions) {
    this.#write = write;
    this.#options = options;
    this.#stored = new RecentTokens(options.rememberedTokens ?? REMEMBERED_TOKENS);
  }

  /**
   * Resolves once the rows are stored: true if this call stored them, false if a request with
   * the same token did (a retry of a stored request, or one still being stored, which it joins).
   * Rejects if they could not be stored.
   */
  write(payload: Payload, rows: number, token: string): Promise<boolean> {
    const known = this.#duplicateOf(token);
    if (known) return known;
    if (this.#closed) return Promise.reject(new QueueClosedError('the receiver is shutting down'));
    if (this.#queuedRows > 0 && this.#queuedRows + rows > this.#options.maxQueuedRows) {
      return Promise.reject(new QueueFullError(`write queue full: ${this.#queuedRows} rows waiting for the store`));
    }
    const bytes = typeof payload === 'string' ? payload.length : payload.byteLength;
    if (this.#queuedBytes > 0 && this.#queuedBytes + bytes > (this.#options.maxQueuedBytes ?? Infinity)) {
      return Promise.reject(new QueueFullError(`write queue full: ${this.#queuedBytes} bytes waiting for the store`));
    }
    const written = new Promise<void>((resolve, reject) => {
      this.#pending.push({ payload, rows, bytes, token, resolve, reject });
      this.#queuedRows += rows;
      this.#queuedBytes += bytes;
      this.#pendingRows += rows;
      this.#pump();
    }).then(
      () => {
        this.#unsettled.delete(token);
        this.#stored.add(token);
        return true;
      },
      (error: unknown) => {
        this.#unsettled.delete(token);
        throw error;
      },
    );
    this.#unsettled.set(token, written);
    return written;
  }

  #duplicateOf(token: string): Promise<boolean> | undefined {
    const unsettled = this.#unsettled.get(token);
    if (!unsettled && !this.#stored.has(token)) return undefined;
    this.#stats.duplicatesSkipped += 1;
    return unsettled ? unsettled.then(() => false) : Promise.resolve(false);
  }

  stats(): WriteQueueStats {
    return { queuedRows: this.#queuedRows, queuedBytes: this.#queuedBytes, writesInFlight: this.#inFlight, ...this.#stats };
  }

  /** Refuses new writes and resolves once everything accepted so far is settled. */
  async close(): Promise<void> {
    this.#closed = true;
    // What is gathering goes now.
    clearTimeout(this.#gatherTimer);
    this.#gatherTimer = undefined;
    this.#pump();
    if (this.#pending.length === 0 && this.#inFlight === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /*
   * Group commit: while an insert runs, the writes arriving behind it gather into the next
   * one. Each insert costs the engine a new part plus a large fixed amount of work whatever
   * its size (~35 ms of CPU on the embedded engine), so starting a second insert for a few
   * rows only splits batches; a second one starts once a full batch is waiting.
   *
   * After a slow insert the next one also waits, briefly, for the clients it has just answered:
   * a Collector's exporter (each of its consumers sends its next batch once answered) and most
   * SDKs send again at once, so the rows of the finished insert plus those already waiting are
   * what one insert can take. Without that wait the clients split into two halves whose
   * inserts alternate, each paying the fixed cost. The wait ends as soon as that many rows
   * wait, and lasts at most the last insert's duration and MAX_GATHER_MS; a request
   * after a quiet spell, or under a light load (fewer than MIN_GATHER_ROWS), goes at once.
   */
  #pump(): void {
    while (this.#inFlight < this.#options.maxConcurrentWrites && this.#pending.length > 0) {
      if (this.#inFlight > 0 && this.#pendingRows < this.#options.maxBatchRows) break;
      if (this.#inFlight === 0 && this.#gathering()) break;
      void this.#writeBatch(this.#takeBatch());
    }
    if (this.#pending.length === 0 && this.#inFlight === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  /** Whether the next batch should wait for more rows; if so, a timer ends the wait. */
  #gathering(): boolean {
    if (this.#closed || this.#pendingRows >= Math.min(this.#gatherRows, this.#options.maxBatchRows)) return false;
    const wait = this.#gatherUntil - performance.now();
    if (wait <= 0) return false;
    this.#gatherTimer ??= setTimeout(() => {
      this.#gatherTimer = undefined;
      this.#pump();
    }, wait);
    return true;
  }

  #takeBatch(): PendingWrite<Payload>[] {
    const batch: PendingWrite<Payload>[] = [];
    let rows = 0;
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      if (batch.length > 0 && rows + next.rows > this.#options.maxBatchRows) break;
      batch.push(this.#pending.shift()!);
      rows += next.rows;
      this.#pendingRows -= next.rows;
    }
    return batch;
  }

  async #writeBatch(batch: PendingWrite<Payload>[]): Promise<void> {
    this.#inFlight += 1;
    const rows = batch.reduce((sum, entry) => sum + entry.rows, 0);
    const bytes = batch.reduce((sum, entry) => sum + entry.bytes, 0);
    const started = performance.now();
    try {
      await this.#write(batchPayload(batch), batchToken(batch));
      this.#stats.rowsWritten += rows;
      this.#stats.batchesWritten += 1;
      for (const entry of batch) entry.resolve();
    } catch (error) {
      this.#stats.failedBatches += 1;
      this.#stats.lastError = error instanceof Error ? error.message : String(error);
      for (const entry of batch) entry.reject(error);
    } finally {
      this.#queuedRows -= rows;
      this.#queuedBytes -= bytes;
      this.#inFlight -= 1;
      const ended = performance.now();
      const took = ended - started;
      this.#gatherRows = rows + this.#pendingRows;
      const worthIt = took >= SLOW_INSERT_MS && this.#gatherRows >= MIN_GATHER_ROWS;
      this.#gatherUntil = worthIt ? ended + Math.min(MAX_GATHER_MS, took * GATHER_SHARE) : 0;
      this.#pump();
    }
  }
}

/**
 * The payloads of a batch as one: text if they are all text, bytes otherwise (so a queue of
 * text payloads writes text, and one of bytes writes bytes).
 */
function batchPayload<Payload extends RowsPayload>(batch: PendingWrite<Payload>[]): Payload {
  if (batch.length === 1) return batch[0]!.payload;
  const payloads: RowsPayload[] = batch.map((entry) => entry.payload);
  if (payloads.every((payload) => typeof payload === 'string')) return payloads.join('') as Payload;
  const bytes = payloads.map((payload) => (typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload));
  return Buffer.concat(bytes) as RowsPayload as Payload;
}

// A batch of one request keeps that request's token, so a client's retry of a
// stored request is dropped by the table (within its deduplication window, across
// restarts and receivers). A merged batch gets a token of its own, which a retry
// landing in a different merge would not match: that case is covered by the
// tokens this queue remembers (see write), within this process.
function batchToken(batch: PendingWrite<RowsPayload>[]): string {
  if (batch.length === 1) return batch[0]!.token;
  const hash = createHash('sha256');
  for (const entry of batch) hash.update(entry.token);
  return hash.digest('hex');
}
