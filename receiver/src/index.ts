/**
 * @stacklens/receiver as a library: what other workspaces' tests, the benchmarks and the
 * Grafana plugin's harness build on (the service itself starts from main.ts).
 */
export { createReceiver, type Receiver, type ReceiverOptions } from './receiver.ts';
export { loadConfig, ConfigError, type ReceiverConfig } from './config.ts';
// The API tokens as the receiver takes or refuses them (the deployment files' wiring test checks the examples).
export { loadApiTokens, ApiTokensError } from './http/apiTokens.ts';
export { openStore } from './migrations.ts';
export type { LogStore, StoreConfig } from './store/LogStore.ts';
export type { Integration, IntegrationContext, IntegrationFactory } from './integrations/index.ts';
export { createAiIntegration } from './enrich/aiIntegration.ts';
// The ingest path's steps one by one, for the ingest benchmark's engine-only phases.
export { decodeProtobufRequest, toLogRows } from './ingest/otlp/index.ts';
export { encodeLogRows } from './ingest/encodeLogRows.ts';
export { LOG_COLUMNS } from './store/LogRow.ts';
