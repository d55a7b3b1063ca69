import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTicketing, type TicketingOptions } from '@stacklens/processor/ticket';
import type { Integration, IntegrationContext, IntegrationFactory } from '../integrations/Integration.ts';
import { ClickHouseLease } from './ClickHouseLease.ts';
import { ClickHouseLinkStore } from './ClickHouseLinkStore.ts';
import { ClickHouseOutboxStore } from './ClickHouseOutboxStore.ts';
import { JiraConfigStore } from './JiraConfigStore.ts';
import { readJiraEnv } from './jiraEnv.ts';
import { jiraRoutes } from './jiraRoutes.ts';
import { jiraTables } from './jiraSchema.ts';
import { jiraWebhookRoute } from './jiraWebhookRoute.ts';
import { manualTicketRoute } from './manualTicketRoute.ts';
import { OutboundPolicy } from '@stacklens/processor/outbound';

/** The audit trail's actor for changes that come from Jira (a ticket moved to Done). */
export const JIRA_ACTOR = 'jira';

export interface JiraIntegrationOptions extends TicketingOptions {
  /** The outbox lease's term [60 s, or 4 × callTimeoutMs when longer]; at least 4/3 of callTimeoutMs. */
  leaseTermMs?: number;
  /** How often the saved configuration is read again [5 s]. */
  configRefreshMs?: number;
  /** Time-out of each Jira call [20 s]. */
  callTimeoutMs?: number;
  /** This receiver's name in the outbox lease [kept in `<dataDir>/jira-lease-owner`]. */
  leaseOwner?: string;
}

/**
 * The receiver's lease name, kept in its data folder: a restarted receiver recognises the
 * terms it claimed before and resumes at once instead of waiting for them to run out.
 */
export function leaseOwnerOf(dataDir: string): string {
  const file = join(dataDir, 'jira-lease-owner');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomUUID()}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The Jira integration with its timings (tests shorten them): configuration and its routes,
 * the ticket stage, the ClickHouse outbox worked by the lease holder, the status poll and
 * webhook, and the tickets joined to the incident routes.
 */
export function jiraIntegrationFactory(options: JiraIntegrationOptions = {}): IntegrationFactory {
  return async (context) => createJira(context, options);
}

/** The ticket stage with its defaults. */
export const createJiraIntegration: IntegrationFactory = jiraIntegrationFactory();

async function createJira(context: IntegrationContext, options: JiraIntegrationOptions): Promise<Integration> {
  const { store, log } = context;
  const env = readJiraEnv(context.config.env);
  if (env.incomplete) log.warn(`Jira: JIRA_* variables are incomplete (missing ${env.incomplete.join(', ')}); they are not used`);
  const tables = jiraTables(store.database);
  const config = new JiraConfigStore(context.settings, env, log, options.configRefreshMs);
  const outbox = new ClickHouseOutboxStore(store.transport, tables.outbox);
  const links = new ClickHouseLinkStore(store.transport, tables.links);
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;
  const termMs = options.leaseTermMs ?? Math.max(60_000, 4 * callTimeoutMs);
  // A job starts only while the lease outlasts its call, and the holder sees at least ¾ of a term ahead.
  if (termMs * 0.75 < callTimeoutMs)
    throw new Error(`the Jira lease term (${termMs} ms) must be at least 4/3 of the call time-out (${callTimeoutMs} ms)`);
  const lease = new ClickHouseLease(store.transport, tables.lease, {
    termMs,
    owner: options.leaseOwner ?? leaseOwnerOf(context.config.dataDir),
    onError: (error) =>
      log.warn({ err: error }, 'Jira outbox lease: the claim failed; this receiver stops working the outbox until it succeeds'),
  });
  const pollIntervalMs = options.sync?.pollIntervalMs ?? env.pollIntervalMs;
  // The site an admin sets may not be a private address unless STACKLENS_ALLOW_PRIVATE_TARGETS=true.
  const outbound = new OutboundPolicy({ allowPrivate: context.config.allowPrivateTargets });
  const ticketing = createTicketing(
    {
      settings: config,
      outbox,
      links,
      audit: (entries) => context.repository.appendAudit(entries),
      publish: (event) => void context.bus.publish(event),
      incidentFor: (id) => context.incidents.find(id),
      analyses: context.analyses,
      // Audited as 'jira': the ticket was moved to Done in Jira, not resolved through our API.
      resolveIncident: async (id) => void (await context.actions.resolve(id, JIRA_ACTOR)),
      onError: (error, what) => log.warn({ err: error }, `Jira: ${what} failed`),
      // What a person must act on (a refused token, a missing permission…), once, in words: at warn, so npm start shows it.
      notice: (message) => log.warn(message),
    },
    {
      ...options,
      lease,
      gateway: {
        timeoutMs: callTimeoutMs,
        onSchemaMismatch: (report) => log.debug(`Jira answered outside jira.js's schema: ${report}`),
        outbound,
        ...options.gateway,
      },
      worker: { callTimeoutMs, ...options.worker },
      sync: { ...options.sync, pollIntervalMs },
    },
  );
  await config.start();
  await lease.start();
  ticketing.start();
  if (config.current())
    log.info(
      `Jira: tickets go to ${config.current()!.baseUrl} (project ${config.current()!.projectKey}, configured through ${config.source === 'api' ? 'the API' : 'JIRA_* variables'})`,
    );

  return {
    name: 'jira',
    stage: ticketing.stage,
    annotations: { tickets: (ids) => links.forIncidents(ids) },
    // A person's merge: the ticket follows the survivor (the tracker told the stage already; this waits for it to be done,
    // so the answer shows the ticket where it now is). Automatic merges reach the stage through the tracker alone.
    async onMerged(absorbed, survivor, actor) {
      await ticketing.stage.merged({ absorbed, survivor, actor, at: Date.now() });
    },
    routes: async (api) => {
      await api.register(jiraRoutes, { config, ticketing, outbox, links, pollIntervalMs, testTimeoutMs: callTimeoutMs, outbound });
      await api.register(manualTicketRoute, { stage: ticketing.stage, config, find: (id) => context.incidents.find(id) });
      await api.register(jiraWebhookRoute, { sync: ticketing.sync, secret: () => config.webhookSecret() });
    },
    async close() {
      await ticketing.close();
      lease.close();
      config.close();
    },
  };
}
