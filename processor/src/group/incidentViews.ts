import type { Detection, Incident, IncidentSample, IncidentSummary, Occurrence } from '../types.ts';
import { isoFromMillis, millisFromNanos } from './recordTime.ts';

/** Record attributes the incident breaks its counts down by. */
export const STORE_ID = 'pos.store.id';
export const KIOSK_ID = 'pos.kiosk.id';

/** Bodies longer than this are cut in samples and live events (the full row stays in otel_logs). */
export const MAX_BODY_LENGTH = 4096;

export function cutBody(body: string): string {
  return body.length > MAX_BODY_LENGTH ? body.slice(0, MAX_BODY_LENGTH) : body;
}

/** An incident's example message is cut to this length (the samples keep the longer body). */
export const MAX_EXAMPLE_LENGTH = 1_000;

/** The record's own message, as a person would read it: the body, or `exception.message` when the body is empty. */
export function exampleOf(detection: Detection): string {
  const { record } = detection;
  const message = record.Body !== '' ? record.Body : (record.LogAttributes['exception.message'] ?? '');
  return message.length > MAX_EXAMPLE_LENGTH ? message.slice(0, MAX_EXAMPLE_LENGTH) : message;
}

export function summaryOf(incident: Incident): IncidentSummary {
  return {
    id: incident.id,
    fingerprint: incident.fingerprint,
    service: incident.service,
    errorType: incident.errorType,
    severity: incident.severity,
    title: incident.title,
    status: incident.status,
    count: incident.count,
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    storeCounts: { ...incident.storeCounts },
    kioskCounts: { ...incident.kioskCounts },
    regressions: incident.regressions,
  };
}

export function sampleOf(detection: Detection): IncidentSample {
  const { record } = detection;
  return {
    timestamp: isoFromMillis(millisFromNanos(record.Timestamp, detection.detectedAt)),
    traceId: record.TraceId,
    spanId: record.SpanId,
    storeId: record.LogAttributes[STORE_ID] ?? '',
    kioskId: record.LogAttributes[KIOSK_ID] ?? '',
    body: cutBody(record.Body),
    attributes: { ...record.LogAttributes },
  };
}

export function occurrenceOf(incidentId: string, detection: Detection): Occurrence {
  const { record } = detection;
  const attributes = record.LogAttributes;
  return {
    incidentId,
    timestamp: record.Timestamp,
    detectedAt: detection.detectedAt,
    service: record.ServiceName,
    errorType: detection.errorType,
    severity: detection.severity,
    storeId: attributes[STORE_ID] ?? '',
    kioskId: attributes[KIOSK_ID] ?? '',
    traceId: record.TraceId,
    spanId: record.SpanId,
    body: cutBody(record.Body),
    errorCode: attributes['error.code'] ?? '',
  };
}
