import { Badge, type BadgeColor } from '@grafana/ui';
import type { IncidentStatus, Severity, TicketStatusCategory } from '../types.ts';

const SEVERITY_COLORS: Record<Severity, BadgeColor> = { CRITICAL: 'red', HIGH: 'orange', MEDIUM: 'blue', LOW: 'darkgrey' };
const STATUS_COLORS: Record<IncidentStatus, BadgeColor> = { open: 'red', acknowledged: 'orange', resolved: 'green' };
const TICKET_COLORS: Record<TicketStatusCategory, BadgeColor> = {
  new: 'blue',
  indeterminate: 'orange',
  done: 'green',
  unknown: 'darkgrey',
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge color={SEVERITY_COLORS[severity] ?? 'darkgrey'} text={severity} />;
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <Badge color={STATUS_COLORS[status] ?? 'darkgrey'} text={status} />;
}

export function TicketStatusBadge({ status, category }: { status: string; category: TicketStatusCategory }) {
  return <Badge color={TICKET_COLORS[category] ?? 'darkgrey'} text={status || category} />;
}
