import type { Incident, PipelineRecord } from '../../../src/types.ts';
import { trackerHarness } from '../../support/trackerHarness.ts';

/** The incidents a real tracker makes of these records (one per fingerprint), by error type. */
export async function incidentsOf(...records: PipelineRecord[]): Promise<Map<string, Incident>> {
  const harness = trackerHarness();
  await harness.tracker.start();
  harness.record(...records);
  const incidents = new Map(harness.tracker.list().map((incident) => [incident.errorType, incident]));
  await harness.tracker.close();
  return incidents;
}

/** The one incident these records make. */
export async function incidentOf(...records: PipelineRecord[]): Promise<Incident> {
  const incidents = [...(await incidentsOf(...records)).values()];
  if (incidents.length !== 1) throw new Error(`expected one incident, got ${incidents.length}`);
  return incidents[0]!;
}

/** A record of any service, with the attributes given (a generic error, as the generic rules see it). */
export function errorRecord(body: string, attributes: Record<string, string> = {}, service = 'checkout'): PipelineRecord {
  return {
    Timestamp: '1767225600000000000',
    TraceId: '0af7651916cd43dd8448eb211c80319c',
    SpanId: 'b7ad6b7169203331',
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    ServiceName: service,
    Body: body,
    ResourceAttributes: { 'service.name': service },
    LogAttributes: attributes,
  };
}
