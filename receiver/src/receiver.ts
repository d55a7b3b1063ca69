import {
  createPipeline,
  defaultRuleSet,
  LiveEventBus,
  loadRuleSet,
  watchRuleSet,
  type IncidentTracker,
  type Pipeline,
  type RuleSetWatcher,
} from '@stacklens/processor';
import ajvErrors from 'ajv-errors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ReceiverConfig } from './config.ts';
import { createAiIntegration } from './enrich/aiIntegration.ts';
import { ClickHouseIncidentRepository } from './group/ClickHouseIncidentRepository.ts';
import { ErrorQueries } from './group/ErrorQueries.ts';
import { groupRoutes } from './group/groupRoutes.ts';
import { IncidentQueries } from './group/IncidentQueries.ts';
import { StatsQueries } from './group/StatsQueries.ts';
import { API_ACTOR, trackerActions } from './group/trackerActions.ts';
import { loadApiTokens, type ApiTokens } from './http/apiTokens.ts';
import { healthRoutes } from './http/healthRoutes.ts';
import { withRedactedRequests } from './http/requestLog.ts';
import { restApi } from './http/restApi.ts';
import { otlpLogsRoutes } from './ingest/otlpLogsRoute.ts';
import { WriteQueue } from './ingest/WriteQueue.ts';
import {
  closeIntegrations,
  createIntegrations,
  mergeAnnotations,
  type Integration,
  type IntegrationFactory,
} from './integrations/index.ts';
import { openStore } from './migrations.ts';
import { liveFeedRoutes, type LiveFeedOptions } from './publish/index.ts';
import { SecretBox } from './settings/SecretBox.ts';
import { SettingsStore } from './settings/SettingsStore.ts';
import type { LogStore } from './store/LogStore.ts';
import { createJiraIntegration } from './ticket/jiraIntegration.ts';
import { clientErrorHandler } from './http/clientErrorHandler.ts';
import { serverWithLimits } from './http/serverFactory.ts';
import { secureDataDir } from './settings/dataDirModes.ts';
import { validatorCompiler } from './http/validatorCompiler.ts';

export interface Receiver {
  app: FastifyInstance;
  store: LogStore;
  queue: WriteQueue;
  /** detect → group → publish, fed with every stored record. */
  pipeline: Pipeline;
  tracker: IncidentTracker;
  /** The live events (the WebSocket feed subscribes here). */
  bus: LiveEventBus;
  repository: ClickHouseIncidentRepository;
  /** The API's bearer tokens and where they came from. */
  tokens: ApiTokens;
  /** The stages after grouping with their storage and routes (AI enrichment, Jira), in pipeline order. */
  integrations: ReadonlyArray<Integration>;
  /** Stops taking requests, stores what was accepted, writes the pipeline's pending incidents, then closes the store. */
  close(): Promise<void>;
}

export interface ReceiverOptions {
  logger?: FastifyServerOptions['logger'];
  /** An already open store (tests and benchmarks share one per process). */
  store?: LogStore;
  /** Settings of the live feed at /api/live (heartbeat, backfill, slow-client limit…); its defaults otherwise. */
  live?: Omit<Partial<LiveFeedOptions>, 'bus' | 'tokens'>;
  /** The integrations to build instead of the defaults (tests pick theirs). */
  integrations?: ReadonlyArray<IntegrationFactory>;
}

/** The integrations every receiver runs, in pipeline order: a later one sees what an earlier one provides. */
export const DEFAULT_INTEGRATIONS: ReadonlyArray<IntegrationFactory> = [createAiIntegration, createJiraIntegration];

/** Largest body of a REST API request. */
const API_BODY_LIMIT = 64 * 1024;
/** Far above any schema's maxLength for a path parameter; the URL itself is bounded by Node's 16 KiB of headers. */
const MAX_PARAM_LENGTH = 8 * 1024;

/** How long the pipeline waits before trying again to load the incidents when the store did not answer. */
const START_RETRY_MS = 5_000;

/**
 * Builds the receiver: rules, API tokens, store, write queue, the processor
 * pipeline behind the OTLP route, the REST API under /api and the health
 * route. Call `app.listen` to serve.
 * @throws RuleSetError for an unusable rules file, ApiTokensError for unusable tokens.
 */
export async function createReceiver(config: ReceiverConfig, options: ReceiverOptions = {}): Promise<Receiver> {
  // What can be refused is checked before the store is opened.
  const ruleSet = config.rulesFile ? loadRuleSet(config.rulesFile) : defaultRuleSet();
  // Before anything is read from or written to it: the folder of the tokens and the key, 0700.
  secureDataDir(config.dataDir);
  const tokens = loadApiTokens(
    { STACKLENS_VIEWER_TOKEN: config.viewerToken, STACKLENS_EDITOR_TOKEN: config.editorToken, STACKLENS_ADMIN_TOKEN: config.adminToken },
    config.dataDir,
  );
  const store = options.store ?? (await openStore(config.store));
  try {
    return await assemble(config, options, store, ruleSet, tokens);
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
}

async function assemble(
  config: ReceiverConfig,
  options: ReceiverOptions,
  store: LogStore,
  ruleSet: ReturnType<typeof defaultRuleSet>,
  tokens: ApiTokens,
): Promise<Receiver> {
  const app = Fastify({
    logger: withRedactedRequests(options.logger),
    // The REST API's bodies are small (the Jira settings are the largest); /v1/logs and the webhook set their own.
    bodyLimit: API_BODY_LIMIT,
    serverFactory: serverWithLimits({
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      maxConnections: config.maxConnections,
    }),
    clientErrorHandler,
    // Path parameters are bounded by each route's schema (400 naming the parameter), not by the router's 414.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Inputs with unknown properties are refused (400), not silently trimmed: the schemas are the contract.
    // ajv-errors: a schema's errorMessage says in words what a pattern means (it needs allErrors).
    ajv: { customOptions: { removeAdditional: false, allErrors: true }, plugins: [(ajv) => ajvErrors.default(ajv)] },
  });
  app.setValidatorCompiler(validatorCompiler());
  const bus = new LiveEventBus({
    onListenerError: (error) => app.log.warn({ err: error }, 'a live-feed listener failed'),
  });
  const repository = new ClickHouseIncidentRepository(store.transport, store.database);
  const pipeline = createPipeline({
    ruleSet,
    repository,
    bus,
    onError: (error) => app.log.error({ err: error }, 'incident pipeline'),
  });
  const { tracker } = pipeline;
  const starting = await startPipeline(pipeline, app.log);
  const watcher = config.rulesFile ? watchRules(config.rulesFile, pipeline, app.log) : undefined;

  const queue = new WriteQueue((payload, token) => store.insertLogs(payload, token), {
    maxQueuedRows: config.maxQueuedRows,
    maxQueuedBytes: config.maxQueuedBytes,
    maxBatchRows: config.maxBatchRows,
    maxConcurrentWrites: config.maxConcurrentInserts,
  });
  await app.register(healthRoutes, { store, queue });
  await app.register(otlpLogsRoutes, {
    queue,
    maxBodyBytes: config.maxBodyBytes,
    retryAfterSeconds: config.retryAfterSeconds,
    ingestToken: config.ingestToken,
    maxRecordValues: config.maxRecordValues,
    onStored: config.detection ? (rows) => pipeline.consume(rows) : undefined,
  });
  const incidents = new IncidentQueries(store.transport, repository.tables);
  const actions = trackerActions(tracker, app.log, starting.started);
  const secrets = SecretBox.fromSource({ secretKey: config.secretKey, dataDir: config.dataDir });
  const settings = new SettingsStore(store.transport, store.database, secrets);
  const integrations = await createIntegrations(
    { config, store, repository, incidents, actions, bus, log: app.log, settings },
    options.integrations ?? DEFAULT_INTEGRATIONS,
  );
  for (const integration of integrations) if (integration.stage) pipeline.addStage(integration.stage);
  await app.register(restApi, {
    prefix: '/api',
    tokens,
    // Every stage's routes share the API's scope: its bearer roles, error bodies and OpenAPI document.
    extensions: [
      async (api) => {
        await api.register(groupRoutes, {
          incidents,
          errors: new ErrorQueries(store.transport, repository.tables),
          stats: new StatsQueries(store.transport, repository.tables),
          actions,
          annotations: mergeAnnotations(integrations),
          onMerged: async (absorbed, survivor) => {
            for (const integration of integrations) {
              // A failed hand-over is logged, not answered as a failed merge: the merge itself stands.
              await integration.onMerged?.(absorbed, survivor, API_ACTOR).catch((error: unknown) => {
                app.log.warn(
                  { err: error },
                  `${integration.name}: moving what it keeps for incident ${absorbed.id} to ${survivor.id} failed`,
                );
              });
            }
          },
        });
      },
      async (api) => {
        await api.register(liveFeedRoutes, { ...options.live, bus, tokens });
      },
      ...integrations.flatMap((integration) => (integration.routes ? [integration.routes] : [])),
    ],
  });

  return {
    app,
    store,
    queue,
    pipeline,
    tracker,
    bus,
    repository,
    tokens,
    integrations,
    async close() {
      starting.stop();
      watcher?.close();
      await closeServer(app);
      await queue.close();
      try {
        await pipeline.close();
        await closeIntegrations(integrations);
      } finally {
        if (!options.store) await store.close();
      }
    },
  };
}

/**
 * Loads the stored incidents before serving, so a restart continues them. If
 * the store does not answer, the receiver serves anyway and keeps trying in
 * the background; detections wait in the tracker's bounded queue meanwhile.
 */
async function startPipeline(pipeline: Pipeline, log: FastifyBaseLogger): Promise<{ started: () => boolean; stop: () => void }> {
  let stopped = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (): Promise<boolean> => {
    try {
      await pipeline.start();
      started = true;
      return true;
    } catch (error) {
      if (!stopped) log.error({ err: error }, `could not load the incidents; detection waits, next try in ${START_RETRY_MS / 1000} s`);
      return false;
    }
  };
  const retryLater = (): void => {
    timer = setTimeout(() => {
      void attempt().then((started) => {
        if (!started && !stopped) retryLater();
      });
    }, START_RETRY_MS);
    timer.unref();
  };
  if (!(await attempt())) retryLater();
  return {
    started: () => started,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Hot reload of a rules file: a good edit takes effect at once, a bad one is logged and the old rules stay. */
function watchRules(path: string, pipeline: Pipeline, log: FastifyBaseLogger): RuleSetWatcher {
  return watchRuleSet(
    path,
    (ruleSet) => {
      pipeline.setRuleSet(ruleSet);
      log.info(`detection rules reloaded from ${path}: ${ruleSet.rules.length} rules`);
    },
    (error) => log.error({ err: error }, 'detection rules not reloaded; the previous rules stay in force'),
  );
}

/**
 * Waits for the requests in flight to be answered. Connections that turn idle
 * after the close began would otherwise hold it open for the whole keep-alive
 * timeout, so they are swept as they free up.
 */
async function closeServer(app: FastifyInstance): Promise<void> {
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweeper);
  }
}
