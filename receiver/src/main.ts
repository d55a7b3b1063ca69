import { ConfigError, loadConfig } from './config.ts';
import { createReceiver } from './receiver.ts';

/** `npm run start -w @stacklens/receiver`: the receiver alone, configured from the environment. */
async function main(): Promise<void> {
  const config = loadConfig();
  const receiver = await createReceiver(config, { logger: { level: process.env.LOG_LEVEL ?? 'info' } });
  const address = await receiver.app.listen({ host: config.host, port: config.port });
  receiver.app.log.info(`StackLens receiver: OTLP/HTTP logs at ${address}/v1/logs, store: ${receiver.store.transport.description}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    receiver.app.log.info(`${signal}: storing what was accepted, then stopping`);
    receiver.close().then(
      () => process.exit(0),
      (error: unknown) => {
        receiver.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error;
  console.error('StackLens receiver failed to start:', message);
  process.exit(1);
});
