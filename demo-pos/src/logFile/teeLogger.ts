import { diag } from '@opentelemetry/api';
import type { LogAttributes, StackLensLogger } from '@stacklens/telemetry';
import type { LogLevel, PlainTextLogFile } from './PlainTextLogFile.ts';

/** A logger that emits every record through `logger` and also writes it as a line to `file`. */
export function teeLogger(logger: StackLensLogger, file: PlainTextLogFile): StackLensLogger {
  const both =
    (level: LogLevel, emit: (message: string, attributes?: LogAttributes) => void) =>
    (message: string, attributes?: LogAttributes): void => {
      emit(message, attributes);
      writeSafely(file, level, message, attributes ?? {});
    };
  return {
    debug: both('DEBUG', logger.debug),
    info: both('INFO', logger.info),
    warn: both('WARN', logger.warn),
    error: both('ERROR', logger.error),
    exception(thrown, attributes) {
      logger.exception(thrown, attributes);
      const described = describe(thrown);
      writeSafely(file, 'ERROR', described['exception.message'] || described['exception.type'], {
        ...described,
        ...attributes,
      });
    },
  };
}

/** The semantic-convention fields of a thrown value, as the telemetry logger records them. */
function describe(thrown: unknown): { 'exception.type': string; 'exception.message': string; 'exception.stacktrace'?: string } {
  if (thrown instanceof Error) {
    // A subclass that kept the inherited name 'Error' is better known by its class.
    const type = thrown.name && thrown.name !== 'Error' ? thrown.name : thrown.constructor.name;
    return { 'exception.type': type, 'exception.message': thrown.message, 'exception.stacktrace': thrown.stack };
  }
  return { 'exception.type': typeof thrown, 'exception.message': String(thrown) };
}

// Logging runs on error paths: a full disk must not turn one failure into two.
function writeSafely(file: PlainTextLogFile, level: LogLevel, message: string, context: LogAttributes): void {
  try {
    file.write(level, message, context);
  } catch (failure) {
    diag.error('demo-pos: could not write to POS_LOG_FILE', failure);
  }
}
