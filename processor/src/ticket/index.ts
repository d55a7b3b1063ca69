/**
 * @stacklens/processor/ticket: Jira tickets for incidents through jira.js — the ticket stage,
 * its durable outbox, the status sync and the connection test. Storage (the outbox, the link
 * table, the lease) comes from the caller through the ports in outbox.ts.
 */
export { createTicketing, type Ticketing, type TicketingOptions } from './Ticketing.ts';
export { TicketStage } from './TicketStage.ts';
export { TicketStatusSync } from './TicketStatusSync.ts';
export { statusCategoryOf } from './JiraGateway.ts';
export { testConnection, type ConnectionTestResult } from './connectionTest.ts';
export {
  DEFAULT_PRIORITY_MAP,
  DEFAULT_ISSUE_TYPE,
  DEFAULT_COMMENT_INTERVAL_MINUTES,
  type JiraSettings,
  type JiraSettingsSource,
  type RegressionPolicy,
} from './JiraSettings.ts';
export {
  newJob,
  type JobKind,
  type JobState,
  type JobPayload,
  type OutboxJob,
  type OutboxCounts,
  type OutboxStore,
  type LinkStore,
  type OutboxLease,
} from './outbox.ts';
