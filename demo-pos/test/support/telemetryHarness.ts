import { setupTelemetry, type Telemetry } from '@stacklens/telemetry';
import { startCaptureServer, type CaptureServer, type CapturedRecord } from './captureServer.ts';

export interface TelemetryHarness {
  capture: CaptureServer;
  telemetry: Telemetry;
  /** Flushes the exporter and returns every record the capture server has received so far. */
  flushedRecords(): Promise<CapturedRecord[]>;
  close(): Promise<void>;
}

/**
 * The real telemetry package exporting OTLP JSON to a real capture server. setupTelemetry
 * owns process-wide globals, so each test file sets up one harness and closes it at the end.
 */
export async function startTelemetryHarness(): Promise<TelemetryHarness> {
  const capture = await startCaptureServer();
  const telemetry = setupTelemetry({
    serviceName: 'demo-pos',
    protocol: 'http/json',
    endpoint: capture.url,
    batch: { scheduledDelayMillis: 20, exportTimeoutMillis: 2000 },
    shutdownOnSignals: false,
  });
  return {
    capture,
    telemetry,
    async flushedRecords() {
      await telemetry.forceFlush();
      return capture.records();
    },
    async close() {
      await telemetry.shutdown();
      await capture.close();
    },
  };
}

/** The records whose order.id attribute is the given order. */
export function recordsOfOrder(records: CapturedRecord[], orderId: string): CapturedRecord[] {
  return records.filter((record) => record.attributes['order.id'] === orderId);
}
