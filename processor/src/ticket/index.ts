/**
 * @stacklens/processor/ticket: Jira tickets for incidents through jira.js — the ticket stage,
 * its durable outbox worker, the status sync and the connection test. Storage (the outbox,
 * the link table, the lease) comes from the caller through the ports in outbox.ts.
 */
export { createTicketing, type Ticketing, type TicketingOptions } from './Ticketing.ts';
export type { TicketContext } from './TicketContext.ts';
export { TicketStage, type TicketStageOptions, type TicketRequestResult } from './TicketStage.ts';
export { OutboxWorker, type OutboxWorkerOptions, type OutboxWorkerStatus } from './OutboxWorker.ts';
export { TicketStatusSync, type TicketStatusSyncOptions } from './TicketStatusSync.ts';
export { JobRunner, fingerprintQuery, jqlString, type JobOutcome } from './JobRunner.ts';
export { GatewayCache } from './GatewayCache.ts';
export {
  JiraGateway,
  statusCategoryOf,
  type JiraGatewayOptions,
  type JiraIssueRef,
  type NewIssueFields,
  type CreateField,
  type Credentials,
} from './JiraGateway.ts';
export { classifyJiraError, jiraText, JiraTimeoutError, type JiraFailure, type JiraFailureKind } from './jiraFailure.ts';
export {
  testConnection,
  REQUIRED_PERMISSIONS,
  type ConnectionCheck,
  type ConnectionCheckName,
  type ConnectionTestResult,
} from './connectionTest.ts';
export {
  DEFAULT_PRIORITY_MAP,
  DEFAULT_ISSUE_TYPE,
  DEFAULT_COMMENT_INTERVAL_MINUTES,
  incidentLink,
  browseUrl,
  type JiraSettings,
  type JiraSettingsSource,
  type RegressionPolicy,
} from './JiraSettings.ts';
export {
  SOLE_LEASE,
  newJob,
  createJobId,
  commentJobId,
  reopenJobId,
  type JobKind,
  type JobState,
  type JobPayload,
  type OutboxJob,
  type OutboxCounts,
  type OutboxStore,
  type LinkStore,
  type OutboxLease,
} from './outbox.ts';
export { backoffMs, DEFAULT_RETRY, type RetryOptions } from './retryDelay.ts';
export { shouldComment, type CommentThrottleOptions, type LastUpdate } from './commentThrottle.ts';
export { OccurrenceWindow } from './OccurrenceWindow.ts';
export { ticketSummary, MAX_SUMMARY_LENGTH } from './ticketSummary.ts';
export { ticketDescription, MAX_DESCRIPTION_JSON, type DescriptionInput } from './ticketDescription.ts';
export { ticketLabels, fingerprintLabel, jiraLabel, STACKLENS_LABEL } from './ticketLabels.ts';
export { ticketFields } from './ticketFields.ts';
export { recurrenceComment, type CommentReason } from './recurrenceComment.ts';
export type { AdfDocument, AdfBlock, AdfText } from './adf.ts';
