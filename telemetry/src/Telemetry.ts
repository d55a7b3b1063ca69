import type { Tracer } from '@opentelemetry/api';
import type { StackLensLogger } from './StackLensLogger.ts';

/** What `setupTelemetry` hands back: the two instruments and the life cycle. */
export interface Telemetry {
  logger: StackLensLogger;
  /** Spans it starts are real (trace and span ids); logs emitted inside carry their ids. */
  tracer: Tracer;
  /** Exports every buffered record now. Never rejects: failures go to OTel's diag logger. */
  forceFlush(): Promise<void>;
  /** Flushes, shuts the providers down and unregisters globals and signal listeners. Idempotent, never rejects. */
  shutdown(): Promise<void>;
}
