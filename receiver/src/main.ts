import { RuleSetError } from '@stacklens/processor';
import { ApiTokensError } from './http/apiTokens.ts';
import { ConfigError, loadConfig, type ReceiverConfig } from './config.ts';
import { createReceiver, type Receiver } from './receiver.ts';
import { SecretKeyError } from './settings/SecretBox.ts';

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
      () => exitAfterLog(receiver, 0),
      (error: unknown) => {
        receiver.app.log.error({ err: error }, 'shutdown failed');
        exitAfterLog(receiver, 1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  printTokens(receiver, config, address);
}

/**
 * Exits once the log lines written so far are out: the logger writes
 * asynchronously, and process.exit() would otherwise drop what is still queued.
 */
function exitAfterLog(receiver: Receiver, code: number): void {
  const log = receiver.app.log as Receiver['app']['log'] & { flush?: (done: () => void) => void };
  const exit = () => process.exit(code);
  setTimeout(exit, 2_000).unref();
  if (typeof log.flush === 'function') log.flush(exit);
  else exit();
}

/**
 * The API tokens for whoever started the receiver, straight to stdout and
 * never through the structured logger (whose output may be shipped
 * elsewhere). A token given in the environment is never printed: its owner
 * has it already.
 */
function printTokens(receiver: Receiver, config: ReceiverConfig, address: string): void {
  const { tokens } = receiver;
  const lines = [`StackLens API at ${address}/api (OpenAPI document: ${address}/api/docs/json)`];
  if (!config.viewerToken) lines.push(`  viewer token (read):   ${tokens.viewer}`);
  if (!config.editorToken && tokens.editor) lines.push(`  editor token (incident actions): ${tokens.editor}`);
  if (!config.adminToken) lines.push(`  admin token (change):  ${tokens.admin}`);
  if (tokens.file) lines.push(`  ${tokens.source === 'generated' ? 'generated into' : 'read from'} ${tokens.file} (mode 0600)`);
  if (config.viewerToken && config.adminToken) lines.push('  tokens: from STACKLENS_VIEWER_TOKEN and STACKLENS_ADMIN_TOKEN');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : error instanceof RuleSetError
        ? `detection rules error: ${error.message}`
        : error instanceof ApiTokensError
          ? `API tokens error: ${error.message}`
          : error instanceof SecretKeyError
            ? `secret key error: ${error.message}`
            : error;
  console.error('StackLens receiver failed to start:', message);
  process.exit(1);
});
