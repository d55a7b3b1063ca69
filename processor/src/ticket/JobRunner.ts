import type { Analysis, Incident, TicketLink } from '../types.ts';
import type { GatewayCache } from './GatewayCache.ts';
import type { JiraGateway } from './JiraGateway.ts';
import { IncidentNotStoredError } from './jiraFailure.ts';
import { browseUrl, type JiraSettings } from './JiraSettings.ts';
import type { OutboxJob } from './outbox.ts';
import { recurrenceComment } from './recurrenceComment.ts';
import type { TicketContext } from './TicketContext.ts';
import { ticketFields } from './ticketFields.ts';
import { fingerprintLabel } from './ticketLabels.ts';

/** What a job did: the link it made or changed ('none': the link stands as it was). */
export interface JobOutcome {
  link: TicketLink;
  change: 'created' | 'updated' | 'none';
  detail: string;
}

/** Thrown for a job that cannot be done whatever Jira says (permanent). */
export class JobRefusedError extends Error {
  override name = 'JobRefusedError';
}

/** Does one outbox job's Jira calls. Errors are jira.js's, thrown for the worker to classify. */
export class JobRunner {
  readonly #context: TicketContext;
  readonly #gateways: GatewayCache;

  constructor(context: TicketContext, gateways: GatewayCache) {
    this.#context = context;
    this.#gateways = gateways;
  }

  /** `interrupted`: an earlier attempt started and never recorded its end, so Jira may have done it already. */
  async run(job: OutboxJob, settings: JiraSettings, interrupted: boolean): Promise<JobOutcome> {
    const jira = this.#gateways.gatewayFor(settings);
    const incident = await this.#context.incidentFor(job.incidentId);
    if (!incident) throw new IncidentNotStoredError(`incident ${job.incidentId} is not in the store yet`);
    switch (job.kind) {
      case 'create':
        return this.#create(jira, job, incident, settings, interrupted);
      case 'comment':
        return this.#comment(jira, job, incident);
      case 'reopen':
        return this.#reopen(jira, job, incident, settings, interrupted);
    }
  }

  async #create(jira: JiraGateway, job: OutboxJob, incident: Incident, settings: JiraSettings, interrupted: boolean): Promise<JobOutcome> {
    // The job's incident may have been merged into another since it was queued (its id then resolves to the
    // survivor): the ticket is the survivor's, found by the survivor's fingerprint, never a second one.
    const fingerprint = incident.fingerprint;
    const merged = incident.id === job.incidentId ? '' : `incident ${job.incidentId} was merged into ${incident.id}: `;
    // The link table first: another receiver, or this one before a restart, may have filed it.
    const linked = await this.#context.links.get(fingerprint);
    if (linked && (linked.statusCategory !== 'done' || linked.createdAt >= job.createdAt)) {
      return { link: linked, change: 'none', detail: `${merged}already linked to ${linked.key}` };
    }
    // Then Jira, by the fingerprint label: an open issue, or one this job may have created before it was interrupted.
    const sinceMinutes = interrupted ? Math.ceil((this.#now() - job.firstAttemptAt) / 60_000) + 1 : undefined;
    const [found] = await jira.search(fingerprintQuery(settings.projectKey, fingerprint, sinceMinutes), 1);
    if (found) {
      const link = await this.#saveLink(settings, incident, found.key, found.status, found.statusCategory, found.created);
      return { link, change: 'created', detail: `linked to ${found.key}, found in Jira by its fingerprint label` };
    }
    return this.#fileNew(jira, job, incident, settings, merged);
  }

  async #fileNew(jira: JiraGateway, job: OutboxJob, incident: Incident, settings: JiraSettings, why: string): Promise<JobOutcome> {
    const analysis = await this.#analysis(incident.id);
    const created = await jira.createIssue(ticketFields(incident, settings, analysis, job.payload.notes));
    // A new issue is in its workflow's initial status; its name arrives with the next status poll.
    const link = await this.#saveLink(settings, incident, created.key, '', 'new');
    return { link, change: 'created', detail: `${why}${created.key} created: ${link.url}` };
  }

  async #comment(jira: JiraGateway, job: OutboxJob, incident: Incident): Promise<JobOutcome> {
    const link = await this.#context.links.get(job.fingerprint);
    if (!link) throw new JobRefusedError('no ticket is linked to this incident to comment on');
    await jira.addComment(link.key, recurrenceComment(incident, job.payload.reason ?? 'recurrence', job.payload.sinceLast ?? 0));
    return { link, change: 'none', detail: `comment added to ${link.key}` };
  }

  async #reopen(jira: JiraGateway, job: OutboxJob, incident: Incident, settings: JiraSettings, interrupted: boolean): Promise<JobOutcome> {
    const link = await this.#context.links.get(job.fingerprint);
    if (!link) return this.#fileNew(jira, job, incident, settings, 'no ticket was linked: ');
    const current = interrupted ? await jira.issue(link.key) : undefined;
    if (current && current.statusCategory !== 'done') {
      const saved = await this.#saveLink(settings, incident, link.key, current.status, current.statusCategory, link.createdAt);
      return { link: saved, change: 'updated', detail: `${link.key} is open again (${current.status})` };
    }
    const moved = await jira.transitionTo(link.key, ['new', 'indeterminate']);
    if (!moved) return this.#fileNew(jira, job, incident, settings, `${link.key} offers no transition out of Done: `);
    const saved = await this.#saveLink(settings, incident, link.key, moved.status, moved.statusCategory, link.createdAt);
    await jira.addComment(link.key, recurrenceComment(incident, 'regression', job.payload.sinceLast ?? 0));
    return { link: saved, change: 'updated', detail: `${link.key} reopened (${moved.status || moved.statusCategory})` };
  }

  async #saveLink(
    settings: JiraSettings,
    incident: Incident,
    key: string,
    status: string,
    statusCategory: TicketLink['statusCategory'],
    createdAt?: number,
  ): Promise<TicketLink> {
    const now = this.#now();
    const link: TicketLink = {
      incidentId: incident.id,
      fingerprint: incident.fingerprint,
      key,
      url: browseUrl(settings.baseUrl, key),
      status,
      statusCategory,
      createdAt: createdAt ?? now,
      updatedAt: now,
    };
    await this.#context.links.save(link);
    return link;
  }

  async #analysis(incidentId: string): Promise<Analysis | undefined> {
    try {
      return await this.#context.analyses?.analysisFor(incidentId, 0);
    } catch (error) {
      this.#context.onError(error, 'reading the analysis for a ticket');
      return undefined;
    }
  }

  #now(): number {
    return (this.#context.clock ?? Date.now)();
  }
}

/** Open issues with the fingerprint's label, or (after an interrupted create) any created in the last minutes. */
export function fingerprintQuery(projectKey: string, fingerprint: string, sinceMinutes?: number): string {
  const recent = sinceMinutes === undefined ? '' : ` OR created >= -${sinceMinutes}m`;
  return `project = ${jqlString(projectKey)} AND labels = ${jqlString(fingerprintLabel(fingerprint))} AND (statusCategory != Done${recent}) ORDER BY created DESC`;
}

export function jqlString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
