import type { AuditEntry, Incident, TicketLink, UnsequencedLiveEvent } from '../../../src/types.ts';
import type { JobKind, LinkStore, OutboxCounts, OutboxJob, OutboxStore } from '../../../src/ticket/outbox.ts';
import type { JiraSettings } from '../../../src/ticket/JiraSettings.ts';
import type { TicketContext } from '../../../src/ticket/TicketContext.ts';

/** The outbox in memory: every put is a new version, as in the ClickHouse table. */
export class MemoryOutbox implements OutboxStore {
  readonly jobs = new Map<string, OutboxJob>();
  readonly puts: OutboxJob[] = [];

  async put(job: OutboxJob): Promise<void> {
    this.puts.push(structuredClone(job));
    this.jobs.set(job.id, structuredClone(job));
  }
  async get(id: string) {
    return this.jobs.get(id);
  }
  async due(now: number, limit: number) {
    return [...this.jobs.values()]
      .filter((job) => (job.state === 'pending' || job.state === 'running') && job.nextAttemptAt <= now)
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit);
  }
  async nextDue() {
    const due = [...this.jobs.values()].filter((job) => job.state === 'pending' || job.state === 'running').map((job) => job.nextAttemptAt);
    return due.length === 0 ? undefined : Math.min(...due);
  }
  async latest(fingerprint: string, kinds: ReadonlyArray<JobKind>) {
    return [...this.jobs.values()]
      .filter((job) => job.fingerprint === fingerprint && kinds.includes(job.kind))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
  }
  async counts(): Promise<OutboxCounts> {
    const counts: OutboxCounts = { pending: 0, running: 0, waiting: 0, done: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return counts;
  }
  async failures(limit: number) {
    return [...this.jobs.values()].filter((job) => job.state === 'failed').slice(0, limit);
  }
  async waiting(limit: number) {
    return [...this.jobs.values()]
      .filter((job) => job.state === 'waiting')
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, limit);
  }
  ofKind(kind: JobKind): OutboxJob[] {
    return [...this.jobs.values()].filter((job) => job.kind === kind);
  }
}

export class MemoryLinks implements LinkStore {
  readonly links = new Map<string, TicketLink>();

  async get(fingerprint: string) {
    return this.links.get(fingerprint);
  }
  async byKey(key: string) {
    return [...this.links.values()].find((link) => link.key === key);
  }
  async forIncidents(ids: ReadonlyArray<string>) {
    return new Map([...this.links.values()].filter((link) => ids.includes(link.incidentId)).map((link) => [link.incidentId, link]));
  }
  async open(limit: number) {
    return [...this.links.values()].filter((link) => link.statusCategory !== 'done').slice(0, limit);
  }
  async save(link: TicketLink) {
    this.links.set(link.fingerprint, { ...link });
  }
}

export function jiraSettings(overrides: Partial<JiraSettings> = {}): JiraSettings {
  return {
    baseUrl: 'http://127.0.0.1:1',
    email: 'bot@example.com',
    apiToken: 'secret-token-value',
    projectKey: 'POS',
    issueType: 'Bug',
    enabled: true,
    autoCreate: true,
    priorityMap: { CRITICAL: 'Highest', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' },
    labels: [],
    onRegression: 'reopen',
    commentIntervalMinutes: 15,
    ...overrides,
  };
}

/** A TicketContext on memory stores that records audit entries, events, resolutions and errors. */
export function memoryContext(settings: JiraSettings | undefined, incidents = new Map<string, Incident>()) {
  const outbox = new MemoryOutbox();
  const links = new MemoryLinks();
  const audit: AuditEntry[] = [];
  const events: UnsequencedLiveEvent[] = [];
  const resolved: string[] = [];
  const errors: Array<{ error: unknown; what: string }> = [];
  const notices: string[] = [];
  const holder = { settings };
  const context: TicketContext = {
    settings: { current: () => holder.settings },
    outbox,
    links,
    audit: async (entries) => void audit.push(...entries),
    publish: (event) => void events.push(event),
    incidentFor: async (id) => incidents.get(id),
    resolveIncident: async (id) => void resolved.push(id),
    onError: (error, what) => void errors.push({ error, what }),
    notice: (message) => void notices.push(message),
  };
  return { context, outbox, links, audit, events, resolved, errors, notices, incidents, holder };
}
