import { diag, SeverityNumber } from '@opentelemetry/api';
import type { Attributes, Logger } from '@opentelemetry/api';
import { exceptionAttributes } from './exceptionAttributes.ts';

/** Business context of a record; `undefined` values are dropped so optional ids can be passed as-is. */
export type LogAttributes = Record<string, string | number | boolean | undefined>;

/** A small logger whose records follow the OpenTelemetry log data model. */
export interface StackLensLogger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
  /** Severity ERROR with `exception.type`, `exception.message` and `exception.stacktrace`. */
  exception(error: unknown, attributes?: LogAttributes): void;
}

export function createStackLensLogger(logger: Logger): StackLensLogger {
  const emit =
    (severityNumber: SeverityNumber, severityText: string) =>
    (message: string, attributes?: LogAttributes): void =>
      emitSafely(logger, severityNumber, severityText, message, definedAttributes(attributes));
  const error = emit(SeverityNumber.ERROR, 'ERROR');
  return {
    debug: emit(SeverityNumber.DEBUG, 'DEBUG'),
    info: emit(SeverityNumber.INFO, 'INFO'),
    warn: emit(SeverityNumber.WARN, 'WARN'),
    error,
    exception(thrown, attributes) {
      const described = exceptionAttributes(thrown);
      // The caller's attributes come last: an explicit value is a deliberate override.
      const merged = { ...described, ...definedAttributes(attributes) };
      // `new Error()` has an empty message; its type is then the most telling body.
      const body = described['exception.message'] || (described['exception.type'] ?? '');
      emitSafely(logger, SeverityNumber.ERROR, 'ERROR', body, merged);
    },
  };
}

function emitSafely(logger: Logger, severityNumber: SeverityNumber, severityText: string, body: string, attributes: Attributes): void {
  try {
    logger.emit({ severityNumber, severityText, body, attributes });
  } catch (failure) {
    // Logging is called from error paths; it must never turn one failure into two.
    diag.error('@stacklens/telemetry: a log record could not be emitted', failure);
  }
}

function definedAttributes(attributes: LogAttributes | undefined): Attributes {
  const defined: Attributes = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}
