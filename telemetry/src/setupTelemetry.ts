import { createNoopLogger, diag, trace } from '@opentelemetry/api';
import { getBooleanFromEnv } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { resolveConfig } from './config.ts';
import { createLogExporter } from './createLogExporter.ts';
import { createResource } from './createResource.ts';
import { enableDiagnosticsFromEnv } from './diagnostics.ts';
import { registerGlobals } from './globalRegistration.ts';
import { installExitFlush, installShutdownHooks } from './shutdownHooks.ts';
import { createStackLensLogger } from './StackLensLogger.ts';
import type { Telemetry } from './Telemetry.ts';
import type { TelemetryOptions } from './TelemetryOptions.ts';
import { TelemetrySetupError } from './TelemetrySetupError.ts';
import { PACKAGE_VERSION, SCOPE_NAME } from './version.ts';

/** The instance that owns the globals; a second one would silently lose to the first. */
let active: Telemetry | undefined;

/**
 * Sets up OpenTelemetry logs (OTLP/HTTP, batched) and tracing for this process in one call.
 * Throws a TelemetrySetupError when called again before the previous instance was shut down.
 */
export function setupTelemetry(options: TelemetryOptions = {}): Telemetry {
  if (active !== undefined) {
    throw new TelemetrySetupError(
      'ALREADY_SET_UP',
      'setupTelemetry() was already called in this process: reuse the Telemetry it returned, ' +
        'or await its shutdown() before setting up again.',
    );
  }
  // The spec's kill switch: everything becomes a no-op, nothing is registered or sent.
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return disabledTelemetry();
  active = createTelemetry(options);
  return active;
}

function createTelemetry(options: TelemetryOptions): Telemetry {
  const config = resolveConfig(options);
  const disableDiagnostics = enableDiagnosticsFromEnv();
  const resource = createResource(options);
  const processor = new BatchLogRecordProcessor({ exporter: createLogExporter(config), ...config.batch });
  const loggerProvider = new LoggerProvider({ resource, processors: [processor] });
  const tracerProvider = new TracerProvider({ resource });
  const unregisterGlobals = registerGlobals({ loggerProvider, tracerProvider });

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      removeShutdownHooks();
      removeExitFlush();
      await reportFailure('shutdown', Promise.all([loggerProvider.shutdown(), tracerProvider.shutdown()]));
      unregisterGlobals();
      disableDiagnostics();
      if (active === telemetry) active = undefined;
    })();
    return shuttingDown;
  };
  const forceFlush = (): Promise<void> => reportFailure('flush', loggerProvider.forceFlush());
  const removeShutdownHooks = config.shutdownOnSignals ? installShutdownHooks(shutdown) : () => undefined;
  const removeExitFlush = installExitFlush(forceFlush);

  const telemetry: Telemetry = {
    logger: createStackLensLogger(loggerProvider.getLogger(SCOPE_NAME, PACKAGE_VERSION)),
    tracer: tracerProvider.getTracer(SCOPE_NAME, PACKAGE_VERSION),
    forceFlush,
    shutdown,
  };
  return telemetry;
}

/** Telemetry is called from shutdown paths; a rejection there would crash the host instead. */
async function reportFailure(what: string, work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (failure) {
    diag.error(`@stacklens/telemetry: ${what} failed`, failure);
  }
}

function disabledTelemetry(): Telemetry {
  return {
    logger: createStackLensLogger(createNoopLogger()),
    tracer: trace.getTracer(SCOPE_NAME, PACKAGE_VERSION),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}
