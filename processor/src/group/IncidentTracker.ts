import type {
  AuditEntry,
  AuditStage,
  Detection,
  GroupingState,
  Incident,
  IncidentChange,
  IncidentMerge,
  IncidentRepository,
  IncidentStage,
  IncidentStatus,
  UnsequencedLiveEvent,
} from '../types.ts';
import type { LiveEventBus } from '../publish/LiveEventBus.ts';
import { ErrorIdentifier, type ErrorIdentity } from './identifyError.ts';
import { kioskKey } from './kioskKey.ts';
import type { TemplateMinerOptions } from './TemplateMiner.ts';
import { cutBody, exampleOf, KIOSK_ID, occurrenceOf, sampleOf, STORE_ID, summaryOf } from './incidentViews.ts';
import { IncidentWriter, type IncidentWriterStats } from './IncidentWriter.ts';
import type { PendingWritesLimits } from './PendingWrites.ts';
import { isoFromMillis, millisFromNanos } from './recordTime.ts';
import { SpikeDetector, type SpikeOptions } from './SpikeDetector.ts';
import { StormGuard, type StormOptions } from './StormGuard.ts';
import { fingerprint } from './fingerprint.ts';
import { trackedFrom, type TrackedIncident } from './TrackedIncident.ts';

export interface IncidentTrackerOptions {
  repository: IncidentRepository;
  /** Where live events go: a LiveEventBus, or any function that takes an event without seq. */
  publish: LiveEventBus | ((event: UnsequencedLiveEvent) => void);
  /** ms since the epoch [Date.now]. */
  clock?: () => number;
  /** How often coalesced events go out [250 ms]. */
  flushIntervalMs?: number;
  /**
   * How often pending writes go to the repository, at the first tick after it has passed
   * [1,000 ms]: every insert has a fixed cost in ClickHouse, so fewer, larger ones cost less.
   */
  writeIntervalMs?: number;
  /** Samples kept per incident, newest first [5]. */
  maxSamples?: number;
  spike?: SpikeOptions;
  /** The template miner's knobs (the rules file's `grouping`). */
  grouping?: Partial<TemplateMinerOptions>;
  /** The storm guard's limit and hold (the rules file's `storm`). */
  storm?: Partial<StormOptions>;
  /** Bounds of the write buffer held while the repository is slow or down. */
  pendingLimits?: Partial<PendingWritesLimits>;
  /** Later stages (enrich, ticket), told of every change in order. */
  stages?: ReadonlyArray<IncidentStage>;
  /** Told of failures that must not reach the caller: repository writes, a throwing stage [console.error]. */
  onError?: (error: unknown) => void;
}

export interface IncidentTrackerStats extends IncidentWriterStats {
  incidents: number;
  /** Detections that arrived before start() finished and did not fit its queue, or after close(). */
  droppedDetections: number;
}

/** The pipeline's own actor name in the audit trail. */
export const PIPELINE_ACTOR = 'stacklens';

/** Detections held while start() loads the incidents, at most. */
const MAX_QUEUED_BEFORE_START = 100_000;

/** Merges made before any stage was added (while loading), kept for the stages added later, at most. */
const MAX_EARLY_MERGES = 1_000;

/** What one record() call did to one incident. */
interface BatchTouch {
  tracked: TrackedIncident;
  occurrences: number;
  created: boolean;
  regressed: boolean;
  /** The batch's latest detections, oldest first, at most maxSamples. */
  latest: Detection[];
}

type Lifecycle = 'idle' | 'starting' | 'running' | 'closed';

/**
 * The group stage: one incident per fingerprint, kept in memory and written to the repository
 * in batches.
 *
 * Live events are coalesced per incident: the first occurrences after a quiet period are
 * announced at once (low latency for the usual single error), further ones are summed and
 * announced at the next tick, one `error.detected` (saying how many occurrences it stands for)
 * and one `incident.updated` per incident per tick. A storm of 10,000 identical errors is one
 * `incident.created` and a handful of updates. Creation, regression, status changes, spikes, merges
 * and unmerges are announced at once.
 *
 * Writes (changed incidents, occurrence rows, audit entries) go out at each tick in at most
 * three repository calls; a failed call is kept and retried at the next tick (PendingWrites
 * says what happens when that buffer overflows).
 */
export class IncidentTracker {
  readonly #repository: IncidentRepository;
  readonly #publish: (event: UnsequencedLiveEvent) => void;
  readonly #clock: () => number;
  readonly #flushIntervalMs: number;
  readonly #writeIntervalMs: number;
  #lastWriteMs = 0;
  readonly #maxSamples: number;
  readonly #spikes: SpikeDetector;
  readonly #writer: IncidentWriter;
  readonly #stages: IncidentStage[];
  readonly #onError: (error: unknown) => void;

  readonly #incidents = new Map<string, TrackedIncident>();
  readonly #identifier: ErrorIdentifier;
  readonly #storms: StormGuard;
  /**
   * New incidents the later stages have not heard of yet (the storm guard's hold), in the order
   * made: when they are due, and the occurrences they had meanwhile.
   */
  readonly #held = new Map<string, { until: number; occurrences: number }>();
  /** What each storm incident's title is made of (this process's storms). */
  readonly #stormTitles = new Map<string, { ruleId: string; service: string; template: string }>();
  /** Merges made before any stage listened (at start): told to every stage added. */
  readonly #earlyMerges: IncidentMerge[] = [];
  /**
   * Fingerprints an incident answers to besides its id: its template's later, more general
   * forms, and the ids of incidents merged into it. The id stays the first fingerprint, so
   * the ticket, the analysis and links keyed by it follow the incident.
   */
  readonly #aliases = new Map<string, string>();
  /** Incidents that announced something since the last tick. */
  readonly #hot = new Set<TrackedIncident>();
  #lifecycle: Lifecycle = 'idle';
  /** Incidents merged into others, as they were before, so that a person can undo the merge. */
  readonly #absorbed = new Map<string, { tracked: TrackedIncident; into: string }>();
  /** Aliases made since they were last saved. */
  #newAliases: GroupingState['aliases'] = [];
  #savingGrouping = false;
  #starting: Promise<void> | undefined;
  #queuedBeforeStart: Detection[] = [];
  #droppedDetections = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: IncidentTrackerOptions) {
    this.#repository = options.repository;
    const { publish } = options;
    this.#publish = typeof publish === 'function' ? publish : (event) => void publish.publish(event);
    this.#clock = options.clock ?? Date.now;
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
    this.#writeIntervalMs = options.writeIntervalMs ?? 1_000;
    this.#maxSamples = options.maxSamples ?? 5;
    this.#spikes = new SpikeDetector(options.spike);
    this.#identifier = new ErrorIdentifier(options.grouping);
    this.#storms = new StormGuard(options.storm);
    this.#writer = new IncidentWriter(options.repository, options.pendingLimits, (id) => this.#snapshotForSaving(id));
    this.#stages = [...(options.stages ?? [])];
    this.#onError = options.onError ?? ((error) => console.error('stacklens processor:', error));
  }

  /**
   * Loads the incidents the repository holds (so a restart continues them instead of creating
   * them again), then starts the flush timer. Detections recorded before it finishes are
   * queued and applied once loaded.
   * @throws whatever the repository's loadIncidents throws; the tracker can be started again.
   */
  start(): Promise<void> {
    if (this.#lifecycle === 'closed') return Promise.reject(new Error('IncidentTracker is closed'));
    this.#starting ??= this.#load();
    return this.#starting;
  }

  async #load(): Promise<void> {
    this.#lifecycle = 'starting';
    let loaded: Incident[];
    try {
      loaded = await this.#repository.loadIncidents();
    } catch (error) {
      this.#lifecycle = 'idle';
      this.#starting = undefined;
      throw error;
    }
    let grouping: GroupingState | undefined;
    try {
      grouping = await this.#repository.loadGrouping?.();
    } catch (error) {
      this.#lifecycle = 'idle';
      this.#starting = undefined;
      throw error;
    }
    for (const stored of loaded) {
      const known = this.#incidents.get(stored.id);
      // A store that keeps versions may hand back more than one: the latest wins.
      if (known !== undefined && Date.parse(stored.updatedAt) <= known.updatedMs) continue;
      this.#incidents.set(stored.id, trackedFrom(structuredClone(stored)));
    }
    if (grouping !== undefined) this.#restoreGrouping(grouping);
    if (this.#lifecycle !== 'starting') return; // closed while loading
    this.#lifecycle = 'running';
    this.#timer = setInterval(() => this.#tick(), this.#flushIntervalMs);
    this.#timer.unref();
    const queued = this.#queuedBeforeStart;
    this.#queuedBeforeStart = [];
    if (queued.length > 0) this.record(queued);
  }

  /**
   * Seeds the miner and restores the aliases. Two incidents that claim one fingerprint (two
   * receivers generalised to the same template before they saw each other's) merge now.
   */
  #restoreGrouping(grouping: GroupingState): void {
    this.#identifier.seed(grouping.templates);
    // First the incidents merged into others (their stored states predate the merge) and
    // unmerged again (an alias of an id to itself), in the order they happened.
    const fingerprints: GroupingState['aliases'] = [];
    for (const alias of grouping.aliases) {
      const { fingerprint, incidentId } = alias;
      const absorbed = this.#absorbed.get(fingerprint);
      if (fingerprint === incidentId) {
        if (absorbed !== undefined) {
          this.#incidents.set(fingerprint, absorbed.tracked);
          this.#absorbed.delete(fingerprint);
        }
        this.#aliases.delete(fingerprint);
        continue;
      }
      const tracked = this.#incidents.get(fingerprint);
      if (tracked !== undefined && this.#incidents.has(this.#resolve(incidentId))) {
        this.#absorbed.set(fingerprint, { tracked, into: incidentId });
        this.#incidents.delete(fingerprint);
        this.#aliases.set(fingerprint, incidentId);
      } else if (absorbed !== undefined) this.#aliases.set(fingerprint, incidentId);
      else fingerprints.push(alias);
    }
    const now = this.#clock();
    for (const { fingerprint, incidentId } of fingerprints) {
      const target = this.#resolve(incidentId);
      const claimed = this.#aliases.has(fingerprint) ? this.#resolve(fingerprint) : undefined;
      const current = claimed === undefined ? undefined : this.#incidents.get(claimed);
      const other = this.#incidents.get(target);
      if (current !== undefined && other !== undefined && current !== other) {
        const [survivor, absorbed] = current.firstSeenMs <= other.firstSeenMs ? [current, other] : [other, current];
        this.#merge(survivor, absorbed, now, new Map());
      } else this.#aliases.set(fingerprint, target);
    }
  }

  /** Adds a later stage (enrich, ticket); it hears of changes from now on. */
  addStage(stage: IncidentStage): void {
    this.#stages.push(stage);
    // Merges made while loading (two receivers' incidents of one template) reach stages added after start().
    for (const merge of this.#earlyMerges) this.#tellMerged(stage, merge);
  }

  /** Applies detections to their incidents. Synchronous and cheap; events and writes follow. */
  record(detections: ReadonlyArray<Detection>): void {
    if (detections.length === 0) return;
    if (this.#lifecycle !== 'running') {
      this.#queueBeforeStart(detections);
      return;
    }
    const now = this.#clock();
    const touches = new Map<string, BatchTouch>();
    for (const detection of detections) {
      const identity = this.#identifier.identify(detection);
      if (identity.previousFingerprint !== undefined) this.#generalised(identity, now, touches);
      const id = this.#resolve(identity.fingerprint);
      let touch = touches.get(id);
      if (touch === undefined) {
        touch = this.#touch(id, identity, detection, now);
        // A storm puts a new fingerprint into an incident this batch may already touch.
        const key = touch.tracked.incident.id;
        touch = touches.get(key) ?? touch;
        touches.set(key, touch);
      }
      this.#count(touch, detection);
    }
    for (const touch of touches.values()) this.#finishTouch(touch, now);
  }

  #queueBeforeStart(detections: ReadonlyArray<Detection>): void {
    if (this.#lifecycle === 'closed') {
      this.#droppedDetections += detections.length;
      return;
    }
    for (const detection of detections) this.#queuedBeforeStart.push(detection);
    const excess = this.#queuedBeforeStart.length - MAX_QUEUED_BEFORE_START;
    if (excess > 0) {
      this.#queuedBeforeStart = this.#queuedBeforeStart.slice(excess);
      this.#droppedDetections += excess;
    }
  }

  #alias(fingerprint: string, incidentId: string): void {
    if (fingerprint === incidentId) return;
    this.#aliases.set(fingerprint, incidentId);
    this.#newAliases.push({ fingerprint, incidentId });
  }

  /** The incident id a fingerprint stands for: itself, or the incident it was merged into. */
  #resolve(fingerprint: string): string {
    let id = fingerprint;
    for (let hops = 0; hops < 8; hops += 1) {
      const next = this.#aliases.get(id);
      if (next === undefined || next === id) break;
      id = next;
    }
    return id;
  }

  /**
   * A detection generalised its template: the incident of the old form answers to the new
   * fingerprint too, and takes the new template as its title. When the new form is already an
   * incident of its own (another receiver, or another branch of the miner, got there first),
   * the two merge: the one seen first survives, and the other's counts move into it.
   */
  #generalised(identity: ErrorIdentity, now: number, touches: Map<string, BatchTouch>): void {
    const from = this.#resolve(identity.previousFingerprint ?? '');
    const to = this.#resolve(identity.fingerprint);
    const older = this.#incidents.get(from);
    if (older === undefined || from === to) return;
    const newer = this.#incidents.get(to);
    if (newer === undefined) {
      this.#alias(identity.fingerprint, from);
      if (older.incident.stormSize === undefined) older.incident.title = identity.template;
      this.#changed(older, now);
      return;
    }
    const [survivor, absorbed] = older.firstSeenMs <= newer.firstSeenMs ? [older, newer] : [newer, older];
    this.#merge(survivor, absorbed, now, touches);
    this.#alias(identity.fingerprint, survivor.incident.id);
    if (survivor.incident.stormSize === undefined) survivor.incident.title = identity.template;
  }

  /** Moves one incident's counts into another; the absorbed id resolves to the survivor from now on. */
  #merge(
    survivor: TrackedIncident,
    absorbed: TrackedIncident,
    now: number,
    touches: Map<string, BatchTouch>,
    actor = PIPELINE_ACTOR,
  ): void {
    const into = survivor.incident;
    const from = absorbed.incident;
    const kept = trackedFrom(structuredClone(from));
    kept.savedMs = absorbed.savedMs;
    this.#absorbed.set(from.id, { tracked: kept, into: into.id });
    // Its state as merged is stored (it may never have been): an unmerge after a restart restores it.
    this.#changed(kept, now);
    into.count += from.count;
    for (const [store, count] of Object.entries(from.storeCounts)) into.storeCounts[store] = (into.storeCounts[store] ?? 0) + count;
    for (const [kiosk, count] of Object.entries(from.kioskCounts)) into.kioskCounts[kiosk] = (into.kioskCounts[kiosk] ?? 0) + count;
    survivor.firstSeenMs = Math.min(survivor.firstSeenMs, absorbed.firstSeenMs);
    survivor.lastSeenMs = Math.max(survivor.lastSeenMs, absorbed.lastSeenMs);
    into.firstSeen = isoFromMillis(survivor.firstSeenMs);
    into.lastSeen = isoFromMillis(survivor.lastSeenMs);
    into.samples = [...into.samples, ...from.samples].sort((a, b) => b.timestamp.localeCompare(a.timestamp)).slice(0, this.#maxSamples);
    if (!into.example && from.example) into.example = from.example;
    this.#alias(from.id, into.id);
    this.#incidents.delete(from.id);
    this.#hot.delete(absorbed);
    // Held, it was never analysed nor ticketed: the survivor's analysis and ticket stand for it.
    this.#held.delete(from.id);
    const pending = touches.get(from.id);
    if (pending !== undefined) {
      touches.delete(from.id);
      const target = touches.get(into.id);
      if (target === undefined) touches.set(into.id, { ...pending, tracked: survivor });
      else {
        target.occurrences += pending.occurrences;
        target.latest = [...target.latest, ...pending.latest].slice(-this.#maxSamples);
      }
    }
    this.#changed(survivor, now);
    const why = actor === PIPELINE_ACTOR ? 'their templates turned out to be one' : `merged by ${actor}`;
    this.#audit(into.id, 'merged', now, `merged incident ${from.id} (${from.count} occurrences) into this one: ${why}`, actor);
    this.#audit(from.id, 'merged', now, `merged into incident ${into.id}: ${why}`, actor);
    // Live pages drop the absorbed incident's row (its id resolves to the survivor), then update the survivor's.
    this.#emit({ type: 'incident.merged', at: now, incident: summaryOf(from), into: into.id, actor });
    this.#emit({ type: 'incident.updated', at: now, incident: summaryOf(into), change: 'occurrences' });
    // The stages move what they keep for the absorbed incident (its ticket, its analysis) to the survivor.
    const merge: IncidentMerge = { absorbed: structuredClone(kept.incident), survivor: structuredClone(into), actor, at: now };
    if (this.#stages.length === 0) {
      if (this.#earlyMerges.length < MAX_EARLY_MERGES) this.#earlyMerges.push(merge);
    } else for (const stage of this.#stages) this.#tellMerged(stage, merge);
  }

  #tellMerged(stage: IncidentStage, merge: IncidentMerge): void {
    try {
      stage.onMerged?.(merge);
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * A person's merge: `id` becomes part of `intoId` (counts add up, its fingerprints resolve to
   * it, the ticket and analysis of `intoId` stand for both). Undefined when either is unknown
   * or they are one already.
   */
  merge(id: string, intoId: string, actor: string): Incident | undefined {
    const absorbed = this.#incidents.get(this.#resolve(id));
    const survivor = this.#incidents.get(this.#resolve(intoId));
    if (absorbed === undefined || survivor === undefined || absorbed === survivor) return undefined;
    this.#merge(survivor, absorbed, this.#clock(), new Map(), actor);
    this.#notify('occurrences', survivor, 0, this.#clock());
    return structuredClone(survivor.incident);
  }

  /**
   * Undoes a merge: the incident comes back as it was when merged, its counts leave the one it
   * was merged into, and its id resolves to itself again (fingerprints that generalised while
   * merged stay with the survivor). Undefined when `id` is not a merged incident.
   */
  unmerge(id: string, actor: string): Incident | undefined {
    const entry = this.#absorbed.get(id);
    if (entry === undefined) return undefined;
    const now = this.#clock();
    const restored = entry.tracked;
    const { incident } = restored;
    const survivor = this.#incidents.get(this.#resolve(entry.into));
    if (survivor !== undefined) {
      const into = survivor.incident;
      into.count = Math.max(0, into.count - incident.count);
      for (const [store, count] of Object.entries(incident.storeCounts)) {
        const left = (into.storeCounts[store] ?? 0) - count;
        if (left > 0) into.storeCounts[store] = left;
        else delete into.storeCounts[store];
      }
      for (const [kiosk, count] of Object.entries(incident.kioskCounts)) {
        const left = (into.kioskCounts[kiosk] ?? 0) - count;
        if (left > 0) into.kioskCounts[kiosk] = left;
        else delete into.kioskCounts[kiosk];
      }
      const own = new Set(incident.samples.map((sample) => `${sample.timestamp}\u0000${sample.traceId}\u0000${sample.body}`));
      into.samples = into.samples.filter((sample) => !own.has(`${sample.timestamp}\u0000${sample.traceId}\u0000${sample.body}`));
      this.#changed(survivor, now);
      this.#audit(into.id, 'unmerged', now, `incident ${incident.id} (${incident.count} occurrences) taken out again`, actor);
    }
    this.#absorbed.delete(id);
    this.#aliases.delete(id);
    this.#newAliases.push({ fingerprint: id, incidentId: id });
    this.#incidents.set(id, restored);
    this.#changed(restored, now);
    this.#audit(id, 'unmerged', now, `taken out of incident ${entry.into}`, actor);
    // The restored incident first, so a live page shows it before the survivor's counts go down.
    this.#emit({ type: 'incident.unmerged', at: now, incident: summaryOf(incident), from: entry.into, actor });
    if (survivor !== undefined)
      this.#emit({ type: 'incident.updated', at: now, incident: summaryOf(survivor.incident), change: 'occurrences' });
    return structuredClone(incident);
  }

  /** The incident a fingerprint's first detection in this batch belongs to: found, regressed or new. */
  #touch(id: string, identity: ErrorIdentity, detection: Detection, now: number): BatchTouch {
    let existing = this.#incidents.get(id);
    if (existing === undefined) {
      const { rule, record } = detection;
      const decision = this.#storms.decide(rule.id, record.ServiceName, identity.fingerprint, now);
      if (decision.kind === 'create') {
        const tracked = this.#create(identity, detection, now);
        return { tracked, occurrences: 0, created: true, regressed: false, latest: [] };
      }
      if (decision.kind === 'start') {
        const { tracked, created } = this.#startStorm(identity, detection, decision.newIncidents, decision.members, now);
        return { tracked, occurrences: 0, created, regressed: false, latest: [] };
      }
      const stormId = this.#resolve(decision.stormId);
      existing = this.#incidents.get(stormId);
      if (existing === undefined) {
        const tracked = this.#create(identity, detection, now);
        return { tracked, occurrences: 0, created: true, regressed: false, latest: [] };
      }
      this.#alias(identity.fingerprint, stormId);
      this.#growStorm(existing, 1);
    }
    const regressed = existing.incident.status === 'resolved';
    if (regressed) {
      existing.incident.status = 'open';
      existing.incident.regressions += 1;
      this.#audit(existing.incident.id, 'regressed', now, `fired again after being resolved (regression ${existing.incident.regressions})`);
    }
    return { tracked: existing, occurrences: 0, created: false, regressed, latest: [] };
  }

  /**
   * The storm guard's `start`: one storm incident for this rule and service, into which this
   * and every further new fingerprint of the storm goes (as an alias), so that the stages make
   * one analysis and one ticket of it. The incidents the rule made in the service within the
   * window (`members`) are grouped under it: those still held never reach the stages. Its
   * fingerprint names the rule, the service and the minute the storm started: receivers that
   * see one storm at once make one incident.
   */
  #startStorm(
    identity: ErrorIdentity,
    detection: Detection,
    newIncidents: number,
    members: ReadonlyArray<string>,
    now: number,
  ): { tracked: TrackedIncident; created: boolean } {
    const { rule, record } = detection;
    const windowSeconds = Math.round(this.#storms.options.windowMs / 1_000);
    const stormPrint = fingerprint({
      service: record.ServiceName,
      errorType: detection.errorType,
      exceptionType: '',
      maskedMessage: `storm of rule ${rule.id}`,
      topFrame: '',
      groupKey: `storm.minute=${Math.floor(now / 60_000)}`,
    });
    const existing = this.#incidents.get(this.#resolve(stormPrint));
    const tracked =
      existing ?? this.#create({ ...identity, fingerprint: stormPrint, template: 'Storm', previousFingerprint: undefined }, detection, now);
    const stormId = tracked.incident.id;
    if (!this.#stormTitles.has(stormId)) {
      this.#stormTitles.set(stormId, { ruleId: rule.id, service: record.ServiceName, template: identity.template });
    }
    this.#storms.started(rule.id, record.ServiceName, stormId, now);
    this.#alias(identity.fingerprint, stormId);
    const grouped = { folded: [] as string[], told: [] as string[] };
    for (const memberId of members) {
      const member = this.#incidents.get(this.#resolve(memberId));
      if (member === undefined || member === tracked || member.incident.stormId !== undefined) continue;
      member.incident.stormId = stormId;
      this.#changed(member, now);
      // Still held (or made in this very batch): its analysis and ticket were never started, and now never will be.
      const folded = !member.toldStages;
      this.#held.delete(member.incident.id);
      (folded ? grouped.folded : grouped.told).push(member.incident.id);
      this.#audit(
        member.incident.id,
        'storm',
        now,
        `grouped under storm incident ${stormId} (rule ${rule.id} in ${record.ServiceName}): ` +
          (folded
            ? "the storm's analysis and ticket stand for this incident; none of its own was made"
            : "its own analysis and ticket, made before the storm was recognised, stay; the storm's stand for it from now on"),
      );
    }
    this.#growStorm(tracked, 1 + grouped.folded.length + grouped.told.length);
    this.#audit(
      stormId,
      'detected',
      now,
      `storm: ${newIncidents} new incidents of rule ${rule.id} in ${record.ServiceName} within ${windowSeconds} s; new ones go into this incident`,
    );
    if (grouped.folded.length + grouped.told.length > 0) {
      const list = (ids: string[]) => ids.join(', ');
      this.#audit(
        stormId,
        'storm',
        now,
        `grouped ${grouped.folded.length + grouped.told.length} incidents made before the storm was recognised under this one` +
          (grouped.folded.length > 0 ? `; analysis and ticket folded into this one's: ${list(grouped.folded)}` : '') +
          (grouped.told.length > 0 ? `; already analysed and ticket decided: ${list(grouped.told)}` : ''),
      );
    }
    this.#emit({
      type: 'storm',
      at: now,
      incident: summaryOf(tracked.incident),
      ruleId: rule.id,
      service: record.ServiceName,
      newIncidents,
      windowSeconds,
    });
    return { tracked, created: existing === undefined };
  }

  /** A storm incident stands for `added` more new incidents: its size and title say how many. */
  #growStorm(storm: TrackedIncident, added: number): void {
    const { incident } = storm;
    incident.stormSize = (incident.stormSize ?? 0) + added;
    const made = this.#stormTitles.get(incident.id);
    if (made !== undefined) {
      incident.title = `Storm: ${incident.stormSize} new incidents of rule ${made.ruleId} in ${made.service} (e.g. ${made.template})`;
    }
  }

  #create(identity: ErrorIdentity, detection: Detection, now: number): TrackedIncident {
    const { record } = detection;
    const seenMs = millisFromNanos(record.Timestamp, detection.detectedAt);
    const seen = isoFromMillis(seenMs);
    const incident: Incident = {
      id: identity.fingerprint,
      fingerprint: identity.fingerprint,
      service: record.ServiceName,
      errorType: detection.errorType,
      exceptionType: identity.exceptionType,
      severity: detection.severity,
      title: identity.template !== '' ? identity.template : detection.errorType,
      example: exampleOf(detection),
      ruleId: detection.rule.id,
      ticketPolicy: detection.rule.ticket,
      status: 'open',
      count: 0,
      firstSeen: seen,
      lastSeen: seen,
      storeCounts: {},
      kioskCounts: {},
      samples: [],
      regressions: 0,
      // Clocks of other hosts may run ahead: a negative delay would only mean skew.
      timeToDetectMs: Math.max(0, detection.detectedAt - seenMs),
      updatedAt: isoFromMillis(now),
    };
    const tracked = trackedFrom(incident);
    tracked.savedMs = -Infinity; // never saved yet
    tracked.toldStages = false;
    this.#incidents.set(incident.id, tracked);
    this.#audit(
      incident.id,
      'detected',
      now,
      `rule ${detection.rule.id}: ${detection.errorType} (${detection.severity}) in ${incident.service}`,
    );
    return tracked;
  }

  /** Per-occurrence work: counts, seen times and the occurrence row. Samples wait for the batch's end. */
  #count(touch: BatchTouch, detection: Detection): void {
    const { tracked } = touch;
    const { incident } = tracked;
    const { record } = detection;
    incident.count += 1;
    const seenMs = millisFromNanos(record.Timestamp, detection.detectedAt);
    if (seenMs > tracked.lastSeenMs) tracked.lastSeenMs = seenMs;
    if (seenMs < tracked.firstSeenMs) tracked.firstSeenMs = seenMs;
    const storeId = record.LogAttributes[STORE_ID];
    if (storeId !== undefined && storeId !== '') incident.storeCounts[storeId] = (incident.storeCounts[storeId] ?? 0) + 1;
    const kioskId = record.LogAttributes[KIOSK_ID];
    if (kioskId !== undefined && kioskId !== '') {
      const kiosk = kioskKey(storeId, kioskId);
      incident.kioskCounts[kiosk] = (incident.kioskCounts[kiosk] ?? 0) + 1;
    }
    this.#writer.addOccurrence(occurrenceOf(incident.id, detection));
    touch.occurrences += 1;
    touch.latest.push(detection);
    if (touch.latest.length > this.#maxSamples) touch.latest.shift();
  }

  #finishTouch(touch: BatchTouch, now: number): void {
    const { tracked, occurrences } = touch;
    const { incident } = tracked;
    const latest = touch.latest.at(-1) as Detection;
    // A rules reload may have changed the rule's severity or policy: the incident follows the latest.
    incident.severity = latest.severity;
    incident.ruleId = latest.rule.id;
    incident.ticketPolicy = latest.rule.ticket;
    incident.firstSeen = isoFromMillis(tracked.firstSeenMs);
    incident.lastSeen = isoFromMillis(tracked.lastSeenMs);
    const newSamples = touch.latest.map(sampleOf).reverse();
    incident.samples = newSamples.concat(incident.samples).slice(0, this.#maxSamples);
    this.#changed(tracked, now);

    if (touch.created) {
      this.#emit({ type: 'incident.created', at: now, incident: summaryOf(incident) });
      // A new incident waits the storm guard's hold before the stages hear of it, unless it is a storm's own.
      const holdMs = this.#storms.options.holdMs;
      if (holdMs > 0 && incident.stormSize === undefined && incident.stormId === undefined) {
        this.#held.set(incident.id, { until: now + holdMs, occurrences });
      } else this.#notify('created', tracked, occurrences, now);
    } else if (touch.regressed) {
      this.#emit({ type: 'incident.updated', at: now, incident: summaryOf(incident), change: 'regressed' });
      this.#notify('regressed', tracked, occurrences, now);
    }

    if (tracked.hot) {
      tracked.unannounced += occurrences;
      tracked.latestUnannounced = latest;
    } else {
      this.#announce(tracked, latest, occurrences, now, !(touch.created || touch.regressed));
    }

    const spike = this.#spikes.observe(incident.id, occurrences, now);
    if (spike !== undefined) {
      this.#audit(incident.id, 'spike', now, `${spike.ratePerMinute}/min against a baseline of ${spike.baselinePerMinute}/min`);
      this.#emit({ type: 'spike', at: now, incident: summaryOf(incident), ...spike });
      this.#notify('spike', tracked, 0, now);
    }
  }

  /** One `error.detected` for `occurrences` occurrences, and the matching update unless creation or regression said it. */
  #announce(tracked: TrackedIncident, latest: Detection, occurrences: number, now: number, withUpdate: boolean): void {
    const { incident } = tracked;
    const { record } = latest;
    this.#emit({
      type: 'error.detected',
      at: now,
      incidentId: incident.id,
      errorType: latest.errorType,
      severity: latest.severity,
      service: record.ServiceName,
      storeId: record.LogAttributes[STORE_ID] ?? '',
      kioskId: record.LogAttributes[KIOSK_ID] ?? '',
      traceId: record.TraceId,
      body: cutBody(record.Body),
      occurrences,
    });
    if (withUpdate) {
      this.#emit({ type: 'incident.updated', at: now, incident: summaryOf(incident), change: 'occurrences' });
      this.#notify('occurrences', tracked, occurrences, now);
    }
    tracked.hot = true;
    this.#hot.add(tracked);
  }

  /** Sends out what was held back since the last tick; an incident with nothing held back cools down. */
  #announceHeldBack(now: number): void {
    for (const tracked of this.#hot) {
      const latest = tracked.latestUnannounced;
      if (tracked.unannounced > 0 && latest !== undefined) {
        const occurrences = tracked.unannounced;
        tracked.unannounced = 0;
        tracked.latestUnannounced = undefined;
        this.#announce(tracked, latest, occurrences, now, true);
      } else {
        tracked.hot = false;
        this.#hot.delete(tracked);
      }
    }
  }

  /** Marks an incident acknowledged. Undefined for an unknown id. */
  acknowledge(id: string, actor: string): Incident | undefined {
    return this.#setStatus(id, 'acknowledged', actor, 'acknowledged');
  }

  /** Marks an incident resolved: its next occurrence is a regression. Undefined for an unknown id. */
  resolve(id: string, actor: string): Incident | undefined {
    return this.#setStatus(id, 'resolved', actor, 'resolved');
  }

  /** Opens an acknowledged or resolved incident again. Undefined for an unknown id. */
  reopen(id: string, actor: string): Incident | undefined {
    return this.#setStatus(id, 'open', actor, 'reopened');
  }

  /** Any status may change to any other; asking for the status it has already changes nothing. */
  #setStatus(
    id: string,
    status: IncidentStatus,
    actor: string,
    stage: AuditStage & ('acknowledged' | 'resolved' | 'reopened'),
  ): Incident | undefined {
    const tracked = this.#incidents.get(this.#resolve(id));
    if (tracked === undefined) return undefined;
    const { incident } = tracked;
    if (incident.status !== status) {
      const now = this.#clock();
      const before = incident.status;
      incident.status = status;
      this.#changed(tracked, now);
      this.#audit(incident.id, stage, now, `${before} → ${status}`, actor);
      this.#emit({ type: 'incident.updated', at: now, incident: summaryOf(incident), change: stage });
      this.#notify('status', tracked, 0, now);
    }
    return structuredClone(incident);
  }

  /**
   * Adds an entry to an incident's audit trail, written with the next flush: the way later
   * stages record `ai.*` and `ticket.*` steps. False for an unknown incident.
   */
  appendAudit(incidentId: string, stage: AuditStage, detail: string, actor: string = PIPELINE_ACTOR): boolean {
    const id = this.#resolve(incidentId);
    if (!this.#incidents.has(id)) return false;
    this.#audit(id, stage, this.#clock(), detail, actor);
    return true;
  }

  /** A copy of the incident's current state, undefined for an unknown id. */
  get(id: string): Incident | undefined {
    const tracked = this.#incidents.get(this.#resolve(id));
    return tracked === undefined ? undefined : structuredClone(tracked.incident);
  }

  /** Copies of all incidents, most recently seen first. */
  list(): Incident[] {
    return [...this.#incidents.values()].sort((a, b) => b.lastSeenMs - a.lastSeenMs).map((tracked) => structuredClone(tracked.incident));
  }

  stats(): IncidentTrackerStats {
    return { incidents: this.#incidents.size, ...this.#writer.stats, droppedDetections: this.#droppedDetections };
  }

  /**
   * Sends the held-back events and writes everything pending. Resolves once written; rejects
   * with the repository's error when a write failed, the data being kept for the next flush.
   */
  async flush(): Promise<void> {
    const now = this.#clock();
    this.#releaseHeld(now);
    this.#announceHeldBack(now);
    const [writes, grouping] = await Promise.allSettled([this.#writer.flush(), this.#saveGrouping()]);
    if (grouping.status === 'fulfilled') {
      if (writes.status === 'rejected') throw writes.reason;
      return;
    }
    if (writes.status === 'fulfilled') throw grouping.reason;
    const earlier: unknown = writes.reason;
    throw new AggregateError([...(earlier instanceof AggregateError ? earlier.errors : [earlier]), grouping.reason], 'some writes failed');
  }

  /** The incident a fingerprint resolves to (itself, or the incident it was merged into), undefined when unknown. */
  incidentIdOf(fingerprint: string): string | undefined {
    const id = this.#resolve(fingerprint);
    return this.#incidents.has(id) ? id : undefined;
  }

  /** Writes new templates and aliases; what fails is kept for the next flush. */
  async #saveGrouping(): Promise<void> {
    const save = this.#repository.saveGrouping?.bind(this.#repository);
    if (save === undefined || this.#savingGrouping) return;
    const templates = this.#identifier.takeChanged();
    const aliases = this.#newAliases;
    if (templates.length === 0 && aliases.length === 0) return;
    this.#newAliases = [];
    this.#savingGrouping = true;
    try {
      await save({ templates, aliases });
    } catch (error) {
      this.#identifier.restoreChanged(templates);
      this.#newAliases = aliases.concat(this.#newAliases);
      throw error;
    } finally {
      this.#savingGrouping = false;
    }
  }

  /**
   * The stages hear of the held new incidents whose hold is over (all of them with `all`), with
   * the occurrences they had meanwhile; those grouped under a storm or merged away meanwhile never.
   */
  #releaseHeld(now: number, all = false): void {
    for (const [id, held] of this.#held) {
      if (!all && held.until > now) break; // made in order, with one hold: the rest are later
      this.#held.delete(id);
      const tracked = this.#incidents.get(id);
      if (tracked !== undefined) this.#notify('created', tracked, held.occurrences, now);
    }
  }

  #tick(): void {
    const now = this.#clock();
    this.#releaseHeld(now);
    if (this.#writer.busy || now - this.#lastWriteMs < this.#writeIntervalMs) {
      // The repository is still busy with the last batch, or wrote recently: announce, and write on a later tick.
      this.#announceHeldBack(now);
      return;
    }
    this.#lastWriteMs = now;
    this.flush().catch((error: unknown) => this.#onError(error));
  }

  /** The state to save for a changed incident; from now on, a change makes a later version. */
  #snapshotForSaving(id: string): Incident | undefined {
    const tracked = this.#incidents.get(id) ?? this.#absorbed.get(id)?.tracked;
    if (tracked === undefined) return undefined;
    tracked.savedMs = tracked.updatedMs;
    return structuredClone(tracked.incident);
  }

  /**
   * Stops the timer, sends the held-back events and writes what is pending. Later detections
   * are dropped (counted in stats). Rejects when the final write fails.
   */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const wasRunning = this.#lifecycle === 'running';
    this.#lifecycle = 'closed';
    this.#droppedDetections += this.#queuedBeforeStart.length;
    this.#queuedBeforeStart = [];
    // What is held is decided now: the stages' own close waits for it.
    if (wasRunning) this.#releaseHeld(this.#clock(), true);
    if (wasRunning) await this.flush();
  }

  #changed(tracked: TrackedIncident, now: number): void {
    // Each saved state is a new version: never the same or an older updatedAt than the last
    // saved one. Changes between two flushes may share a millisecond: only the last is saved.
    tracked.updatedMs = Math.max(now, tracked.savedMs + 1);
    tracked.incident.updatedAt = isoFromMillis(tracked.updatedMs);
    this.#writer.markChanged(tracked.incident.id);
  }

  #audit(incidentId: string, stage: AuditStage, at: number, detail: string, actor: string = PIPELINE_ACTOR): void {
    const entry: AuditEntry = { incidentId, stage, at, detail, actor };
    this.#writer.addAudit(entry);
  }

  #emit(event: UnsequencedLiveEvent): void {
    try {
      this.#publish(event);
    } catch (error) {
      this.#onError(error);
    }
  }

  #notify(kind: IncidentChange['kind'], tracked: TrackedIncident, occurrences: number, at: number): void {
    // Grouped under a storm: the storm's analysis and ticket stand for it.
    if (tracked.incident.stormId !== undefined) return;
    const held = this.#held.get(tracked.incident.id);
    if (held !== undefined) {
      held.occurrences += occurrences;
      return;
    }
    tracked.toldStages = true;
    if (this.#stages.length === 0) return;
    const change: IncidentChange = { kind, incident: structuredClone(tracked.incident), occurrences, at };
    for (const stage of this.#stages) {
      try {
        stage.onIncidentChange(change);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
