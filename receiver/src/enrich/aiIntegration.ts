import { EnrichStage, OfflineAnalyser, OpenAiAnalyser, type EnrichStageOptions } from '@stacklens/processor/enrich';
import { incidentTables } from '../group/incidentSchema.ts';
import type { Integration, IntegrationContext, IntegrationFactory } from '../integrations/Integration.ts';
import { jiraTables } from '../ticket/jiraSchema.ts';
import { readAiEnv } from './aiEnv.ts';
import { AiConfigStore, type EffectiveAiConfig } from './AiConfigStore.ts';
import { aiRoutes } from './aiRoutes.ts';
import { analysesTable } from './aiSchema.ts';
import { ClickHouseAnalysisStore } from './ClickHouseAnalysisStore.ts';
import { ClickHouseSimilarIncidents } from './ClickHouseSimilarIncidents.ts';
import { OutboundPolicy } from '@stacklens/processor/outbound';

export interface AiIntegrationOptions extends Pick<EnrichStageOptions, 'similarTimeoutMs' | 'retryAfterMs'> {
  /** How often the saved settings are read again [5 s]. */
  configRefreshMs?: number;
  /** How often the similar-incident snapshot is read again from ClickHouse [30 s]. */
  similarRefreshMs?: number;
}

/** The enrich stage with its timings (tests shorten them). */
export function aiIntegrationFactory(options: AiIntegrationOptions = {}): IntegrationFactory {
  return async (context) => createAi(context, options);
}

/** The enrich stage: analyses, their storage and the analyser settings routes. */
export const createAiIntegration: IntegrationFactory = aiIntegrationFactory();

async function createAi(context: IntegrationContext, options: AiIntegrationOptions): Promise<Integration> {
  const { store, log } = context;
  const env = readAiEnv(context.config.env);
  const similar = new ClickHouseSimilarIncidents(
    store.transport,
    {
      incidents: incidentTables(store.database).incidents,
      analyses: analysesTable(store.database),
      links: jiraTables(store.database).links,
    },
    {
      refreshMs: options.similarRefreshMs,
      onError: (error) => log.warn({ err: error }, 'AI enrichment: could not read the similar-incident snapshot; the last one stays'),
    },
  );
  const analyses = new ClickHouseAnalysisStore(store.transport, analysesTable(store.database), (saved) => similar.noteAnalyses(saved));
  const offline = new OfflineAnalyser();
  const stage = new EnrichStage({
    store: analyses,
    audit: context.repository,
    publish: context.bus,
    similar,
    offline,
    similarTimeoutMs: options.similarTimeoutMs,
    retryAfterMs: options.retryAfterMs,
    onError: (error) => log.warn({ err: error }, 'AI enrichment: a step failed (the analysis goes on without it)'),
  });
  // The endpoint an admin sets may not be a private address unless STACKLENS_ALLOW_PRIVATE_TARGETS=true.
  const outbound = new OutboundPolicy({ allowPrivate: context.config.allowPrivateTargets });
  const config = new AiConfigStore(
    context.settings,
    env,
    log,
    (effective) => stage.configure(stageSettings(effective, outbound)),
    options.configRefreshMs,
    outbound,
  );
  await config.start();
  void similar.start();

  return {
    name: 'ai',
    stage,
    analyses: stage,
    annotations: { analyses: (ids) => stage.analyses(ids) },
    routes: async (api) => {
      await api.register(aiRoutes, {
        config,
        status: () => ({ knowledgeBase: offline.model, modelCalls: stage.modelCalls, stats: stage.stats() }),
      });
    },
    async close() {
      config.close();
      similar.close();
      await stage.close();
    },
  };
}

function stageSettings({ config, apiKey }: EffectiveAiConfig, outbound: OutboundPolicy) {
  const model =
    config.provider === 'openai' && apiKey !== undefined
      ? new OpenAiAnalyser({ apiKey, baseUrl: config.baseUrl, model: config.model, outbound })
      : undefined;
  return { model, timeoutMs: config.timeoutMs, maxConcurrent: config.maxConcurrent, ratePerMinute: config.ratePerMinute };
}
