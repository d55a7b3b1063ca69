import type { Analysis, Incident } from '../types.ts';
import type { NewIssueFields } from './JiraGateway.ts';
import { incidentLink, type JiraSettings } from './JiraSettings.ts';
import { ticketDescription } from './ticketDescription.ts';
import { ticketLabels } from './ticketLabels.ts';
import { ticketSummary } from './ticketSummary.ts';

/** The create-issue fields for an incident: summary, ADF description, labels and the priority its severity maps to. */
export function ticketFields(incident: Incident, settings: JiraSettings, analysis?: Analysis, notes?: string): NewIssueFields {
  const priority = settings.priorityMap[incident.severity];
  return {
    project: { key: settings.projectKey },
    issuetype: { name: settings.issueType },
    summary: ticketSummary(incident),
    description: ticketDescription({
      incident,
      analysis,
      notes,
      incidentUrl: incidentLink(settings, incident.id, incident.fingerprint),
    }),
    labels: ticketLabels(incident, settings),
    ...(priority ? { priority: { name: priority } } : {}),
  };
}
