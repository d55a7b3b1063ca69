import { setupTelemetry } from '@stacklens/telemetry';
import packageJson from '../package.json' with { type: 'json' };
import { buildApp, SERVICE_NAME } from './app.ts';
import { ConfigError, readPosConfig } from './config.ts';
import { openPlainTextLogFile } from './logFile/PlainTextLogFile.ts';
import { teeLogger } from './logFile/teeLogger.ts';

// Entry point: wiring only. Everything with logic lives in app.ts and config.ts.

let config;
try {
  config = readPosConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`demo-pos: ${error.message}`);
  process.exit(1);
}

// Signals are handled here, not by the telemetry package, so the server stops taking orders
// before the last log records are flushed.
const telemetry = setupTelemetry({
  serviceName: SERVICE_NAME,
  serviceVersion: packageJson.version,
  shutdownOnSignals: false,
});
const logFile = config.logFile ? openPlainTextLogFile(config.logFile) : undefined;
const app = await buildApp({
  telemetry: logFile ? { tracer: telemetry.tracer, logger: teeLogger(telemetry.logger, logFile) } : telemetry,
  paymentFailureRate: config.paymentFailureRate,
  restockIntervalMs: config.restockIntervalMs,
});
const address = await app.listen({ port: config.port, host: config.host });
console.log(`demo-pos listening on ${address} (till page at /, API under /api)`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`demo-pos: ${signal} received, closing`);
  await app.close();
  await telemetry.shutdown();
  logFile?.close();
  console.log('demo-pos: stopped, telemetry flushed');
}
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));
