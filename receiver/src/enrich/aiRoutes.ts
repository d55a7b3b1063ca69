import type { EnrichStats } from '@stacklens/processor/enrich';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../http/ApiError.ts';
import { BEARER, errorResponses } from '../http/schemas.ts';
import { AI_LIMITS } from './aiEnv.ts';
import { AiConfigError, type AiConfigInput, type AiConfigStore, type AiConfigView } from './AiConfigStore.ts';

export interface AiRouteOptions {
  config: AiConfigStore;
  /** The enrich stage's counters and the offline knowledge base's version. */
  status(): { knowledgeBase: string; modelCalls: number; stats: EnrichStats };
}

const TAGS = ['ai'];
const limit = (name: keyof typeof AI_LIMITS, description: string) =>
  ({ type: 'integer', minimum: AI_LIMITS[name].min, maximum: AI_LIMITS[name].max, description }) as const;

const settingsProperties = {
  provider: {
    type: 'string',
    enum: ['offline', 'openai'],
    description: '`openai`: any OpenAI-compatible endpoint; `offline`: the knowledge base only.',
  },
  model: { type: 'string', minLength: 1, maxLength: 200, description: 'The model name the endpoint knows (e.g. gpt-4o-mini, llama3.1).' },
  timeoutMs: limit('timeoutMs', 'Longest wait for a model answer; the offline answer follows.'),
  maxConcurrent: limit('maxConcurrent', 'Model calls at once.'),
  ratePerMinute: limit('ratePerMinute', 'Model calls per minute; beyond it the offline analyser answers.'),
} as const;

const inputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['provider'],
  properties: {
    ...settingsProperties,
    baseUrl: {
      type: 'string',
      minLength: 1,
      maxLength: 2_000,
      // An http(s) URL with a host, an optional port and path, nothing else (no credentials, query or fragment).
      pattern:
        "^https?://(([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$",
      description:
        'An OpenAI-compatible endpoint (Azure OpenAI, Ollama, vLLM, LM Studio…), e.g. http://127.0.0.1:11434/v1; OpenAI when absent.',
    },
    apiKey: {
      type: 'string',
      minLength: 1,
      maxLength: 4_000,
      description: 'Write-only. Left out: the key in force is kept while baseUrl stays the same.',
    },
  },
} as const;

const viewSchema = {
  type: 'object',
  required: [
    'provider',
    'baseUrl',
    'model',
    'apiKeySet',
    'timeoutMs',
    'maxConcurrent',
    'ratePerMinute',
    'source',
    'updatedAt',
    'knowledgeBase',
    'stats',
  ],
  properties: {
    ...settingsProperties,
    baseUrl: { type: ['string', 'null'], description: 'null: OpenAI itself.' },
    apiKeySet: { type: 'boolean', description: 'Whether a key is in force (the key itself is never returned).' },
    source: {
      type: 'string',
      enum: ['api', 'environment'],
      description: 'Saved through this API, or OPENAI_* / STACKLENS_AI_* variables.',
    },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
    knowledgeBase: { type: 'string', description: "The offline analyser's knowledge base version." },
    stats: {
      type: 'object',
      description: "This receiver's enrich stage since it started.",
      required: ['changes', 'analyses', 'modelAnswers', 'fallbacks', 'fromStore', 'running', 'modelCalls'],
      properties: {
        changes: { type: 'integer', description: 'Incident changes heard of.' },
        analyses: { type: 'integer', description: 'Analyses made; the other changes were answered by the cache.' },
        modelAnswers: { type: 'integer' },
        fallbacks: { type: 'integer', description: 'Offline answers although a model is configured (time-out, error, limit).' },
        fromStore: { type: 'integer' },
        running: { type: 'integer' },
        modelCalls: { type: 'integer' },
      },
    },
  },
} as const;

/** GET/PUT/DELETE /integrations/ai (admin token): the analyser settings, the key write-only. */
export const aiRoutes: FastifyPluginAsync<AiRouteOptions> = async (app, { config, status }) => {
  const admin = app.requireRole('admin');
  const view = (): AiConfigView & ReturnType<typeof withStatus> => ({ ...config.view(), ...withStatus(status()) });

  app.get(
    '/integrations/ai',
    {
      schema: {
        summary: 'The AI analyser settings (the key is never returned: apiKeySet says whether one is in force)',
        tags: TAGS,
        security: BEARER,
        response: { 200: viewSchema, ...errorResponses(401, 403) },
      },
      onRequest: admin,
    },
    async () => view(),
  );

  app.put<{ Body: AiConfigInput }>(
    '/integrations/ai',
    {
      schema: {
        summary: 'Save the AI analyser settings (shared by every receiver on the store; the key sealed with AES-256-GCM)',
        description:
          'Fields left out take the defaults of the environment (OPENAI_MODEL, STACKLENS_AI_*). Takes effect at once, without a restart.',
        tags: TAGS,
        security: BEARER,
        body: inputSchema,
        response: { 200: viewSchema, ...errorResponses(400, 401, 403, 409, 503) },
      },
      onRequest: admin,
    },
    async (request) => {
      await config.save(request.body).catch(asApiError);
      return view();
    },
  );

  app.delete(
    '/integrations/ai',
    {
      schema: {
        summary: 'Remove the saved AI settings (OPENAI_* and STACKLENS_AI_* variables apply again)',
        tags: TAGS,
        security: BEARER,
        response: { 200: viewSchema, ...errorResponses(401, 403, 503) },
      },
      onRequest: admin,
    },
    async () => {
      await config.remove().catch(asApiError);
      return view();
    },
  );
};

function withStatus(current: ReturnType<AiRouteOptions['status']>) {
  return { knowledgeBase: current.knowledgeBase, stats: { ...current.stats, modelCalls: current.modelCalls } };
}

function asApiError(error: unknown): never {
  if (error instanceof AiConfigError) throw new ApiError(error.conflict ? 'CONFLICT' : 'VALIDATION_FAILED', error.message);
  throw new ApiError('STORE_UNAVAILABLE', 'the settings store is unavailable; nothing was changed');
}
