import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { diagLogLevelFromString, getStringFromEnv } from '@opentelemetry/core';

/**
 * Export failures are reported through OpenTelemetry's diag channel, which is silent by
 * default. OTEL_LOG_LEVEL (the spec's variable for the SDK's own logger) turns it on, so an
 * operator can see why records do not arrive without the library ever writing uninvited.
 * Returns the undo.
 */
export function enableDiagnosticsFromEnv(): () => void {
  const level = diagLogLevelFromString(getStringFromEnv('OTEL_LOG_LEVEL'));
  if (level === undefined || level === DiagLogLevel.NONE) return () => undefined;
  diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
  return () => diag.disable();
}
