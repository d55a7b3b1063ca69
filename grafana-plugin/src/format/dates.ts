import { dateTimeFormat } from '@grafana/data';

/**
 * Dates as Grafana shows them: in the signed-in user's time zone (Grafana sets @grafana/data's
 * time-zone resolver from the user's preferences; 'browser' outside Grafana) and in Grafana's
 * date format (systemDateFormats, which an admin may change).
 */
export function formatDateTime(iso: string | number): string {
  return dateTimeFormat(iso);
}

/** To the millisecond: the audit's steps are often milliseconds apart. */
export function formatPreciseDateTime(iso: string | number): string {
  return dateTimeFormat(iso, { format: 'YYYY-MM-DD HH:mm:ss.SSS' });
}

/** Hours and minutes, for an axis. */
export function formatClock(iso: string | number): string {
  return dateTimeFormat(iso, { format: 'HH:mm' });
}
