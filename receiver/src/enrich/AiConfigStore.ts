import type { FastifyBaseLogger } from 'fastify';
import type { JsonValue, SettingsStore } from '../settings/SettingsStore.ts';
import { checkedBaseUrl, type AiConfig, type AiEnv } from './aiEnv.ts';
import type { OutboundPolicy } from '@stacklens/processor/outbound';

export const AI_SETTING = 'ai';

/** What PUT /api/integrations/ai takes: the settings, and the key (write-only). */
export interface AiConfigInput extends Partial<Omit<AiConfig, 'provider'>> {
  provider: AiConfig['provider'];
  apiKey?: string;
}

/** The settings in force and where they came from. */
export interface EffectiveAiConfig {
  config: AiConfig;
  /** Only for provider openai; never leaves this process but towards the endpoint. */
  apiKey?: string;
  source: 'api' | 'environment';
  updatedAt?: number;
}

/** What GET answers: the settings without the key. */
export interface AiConfigView {
  provider: AiConfig['provider'];
  baseUrl: string | null;
  model: string;
  apiKeySet: boolean;
  timeoutMs: number;
  maxConcurrent: number;
  ratePerMinute: number;
  source: EffectiveAiConfig['source'];
  updatedAt: string | null;
}

export class AiConfigError extends Error {
  override name = 'AiConfigError';
  /** The request is well-formed but the saved state says no (no key to keep): 409 rather than 400. */
  readonly conflict: boolean;
  constructor(message: string, conflict = false) {
    super(message);
    this.conflict = conflict;
  }
}

type StoredAiConfig = AiConfig & { [key: string]: JsonValue };

/** The key is sealed with the endpoint it was given for. */
const aiContext = (value: StoredAiConfig) => ({ baseUrl: value.baseUrl ?? '' });

/**
 * The analyser settings every receiver on the store shares: saved through the API into the
 * settings table (the key sealed with AES-256-GCM), read again every few seconds so a save on
 * one receiver reaches the others, with OPENAI_* and STACKLENS_AI_* as the fallback when nothing
 * is saved. Each change is handed to `apply` at once: no restart needed.
 */
export class AiConfigStore {
  readonly #settings: SettingsStore;
  readonly #env: AiEnv;
  readonly #log: FastifyBaseLogger;
  readonly #apply: (effective: EffectiveAiConfig) => void;
  readonly #refreshMs: number;
  readonly #outbound: OutboundPolicy | undefined;
  #effective: EffectiveAiConfig;
  /** What was last applied, to apply only changes. */
  #applied = '';
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #refusedReported: number | undefined;

  constructor(
    settings: SettingsStore,
    env: AiEnv,
    log: FastifyBaseLogger,
    apply: (effective: EffectiveAiConfig) => void,
    refreshMs = 5_000,
    outbound?: OutboundPolicy,
  ) {
    this.#outbound = outbound;
    this.#settings = settings;
    this.#env = env;
    this.#log = log;
    this.#apply = apply;
    this.#refreshMs = refreshMs;
    this.#effective = this.#fromEnv();
  }

  /** Applies the environment's settings, then the saved ones (now and every few seconds). */
  async start(): Promise<void> {
    this.#applyIfChanged();
    await this.#refreshQuietly();
    this.#timer = setInterval(() => void this.#refreshQuietly(), this.#refreshMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  current(): EffectiveAiConfig {
    return this.#effective;
  }

  view(): AiConfigView {
    const { config, apiKey, source, updatedAt } = this.#effective;
    return {
      provider: config.provider,
      baseUrl: config.baseUrl ?? null,
      model: config.model,
      apiKeySet: apiKey !== undefined,
      timeoutMs: config.timeoutMs,
      maxConcurrent: config.maxConcurrent,
      ratePerMinute: config.ratePerMinute,
      source,
      updatedAt: updatedAt === undefined ? null : new Date(updatedAt).toISOString(),
    };
  }

  async refresh(): Promise<void> {
    const saved = await this.#settings.read<StoredAiConfig>(AI_SETTING, aiContext);
    if (saved?.secretsRefused && this.#refusedReported !== saved.updatedAt) {
      this.#log.error(
        `AI analysis: ${saved.secretsRefused} (PUT /api/integrations/ai with apiKey); the offline analyser answers meanwhile`,
      );
      this.#refusedReported = saved.updatedAt;
    }
    if (!saved) {
      this.#effective = this.#fromEnv();
    } else {
      const config = configOf(saved.value);
      const apiKey = saved.secrets.apiKey ?? this.#envKeyFor(config.baseUrl);
      if (config.provider === 'openai' && apiKey === undefined) {
        this.#log.warn('AI analysis: the saved settings ask for a model but no key is saved any more; the offline analyser answers');
      }
      this.#effective = {
        config: config.provider === 'openai' && apiKey === undefined ? { ...config, provider: 'offline' } : config,
        ...(config.provider === 'openai' && apiKey !== undefined ? { apiKey } : {}),
        source: 'api',
        updatedAt: saved.updatedAt,
      };
    }
    this.#applyIfChanged();
  }

  /**
   * Saves new settings for every receiver and applies them here at once. A key may be left out
   * to keep the one in force, as long as the base URL stays the same: a saved key is never sent
   * to an endpoint other than the one it was given for.
   * @throws AiConfigError when provider openai has no key to use.
   */
  async save(input: AiConfigInput): Promise<void> {
    const defaults = this.#env.config;
    const baseUrl = input.baseUrl ? checkedInputUrl(input.baseUrl, this.#outbound) : undefined;
    const config: AiConfig = {
      provider: input.provider,
      ...(baseUrl ? { baseUrl } : {}),
      model: input.model ?? defaults.model,
      timeoutMs: input.timeoutMs ?? defaults.timeoutMs,
      maxConcurrent: input.maxConcurrent ?? defaults.maxConcurrent,
      ratePerMinute: input.ratePerMinute ?? defaults.ratePerMinute,
    };
    const secrets: Record<string, string> = {};
    if (config.provider === 'openai') {
      const kept = this.#effective.config.baseUrl === baseUrl ? this.#effective.apiKey : undefined;
      const key = input.apiKey ?? kept ?? this.#envKeyFor(baseUrl);
      if (key === undefined) {
        throw new AiConfigError('apiKey is required for provider openai (a key in force is kept only while baseUrl stays the same)', true);
      }
      // The environment's key stays in the environment; only a key given through the API is saved.
      if (key !== this.#envKeyFor(baseUrl)) secrets.apiKey = key;
    }
    await this.#settings.write<StoredAiConfig>(AI_SETTING, { ...config }, secrets, aiContext);
    await this.refresh();
  }

  /** Forgets the saved settings: the environment's apply again, on every receiver. */
  async remove(): Promise<void> {
    await this.#settings.remove(AI_SETTING);
    await this.refresh();
  }

  #fromEnv(): EffectiveAiConfig {
    const { config, apiKey } = this.#env;
    return { config, ...(config.provider === 'openai' && apiKey ? { apiKey } : {}), source: 'environment' };
  }

  /** OPENAI_API_KEY, for the endpoint it was given with only. */
  #envKeyFor(baseUrl: string | undefined): string | undefined {
    return this.#env.apiKey !== undefined && this.#env.config.baseUrl === baseUrl ? this.#env.apiKey : undefined;
  }

  #applyIfChanged(): void {
    const signature = JSON.stringify([this.#effective.config, this.#effective.apiKey ?? '']);
    if (signature === this.#applied) return;
    this.#applied = signature;
    this.#apply(this.#effective);
    const { config, source } = this.#effective;
    const by = config.provider === 'openai' ? `model ${config.model} at ${config.baseUrl ?? 'OpenAI'}` : 'the offline analyser';
    this.#log.info(
      `AI analysis: ${by}, time-out ${config.timeoutMs} ms, ${config.maxConcurrent} at once, ${config.ratePerMinute} per minute (from ${source === 'api' ? 'the API' : 'the environment'})`,
    );
  }

  async #refreshQuietly(): Promise<void> {
    try {
      await this.refresh();
      this.#failing = false;
    } catch (error) {
      if (!this.#failing)
        this.#log.error({ err: error }, 'could not read the saved AI settings; the last known ones stay in force, trying again');
      this.#failing = true;
    }
  }
}

function configOf(value: StoredAiConfig): AiConfig {
  return {
    provider: value.provider,
    ...(value.baseUrl ? { baseUrl: value.baseUrl } : {}),
    model: value.model,
    timeoutMs: value.timeoutMs,
    maxConcurrent: value.maxConcurrent,
    ratePerMinute: value.ratePerMinute,
  };
}

/** An http(s) URL without credentials, not at a private address unless private targets are allowed. */
function checkedInputUrl(raw: string, outbound: OutboundPolicy | undefined): string {
  try {
    const url = checkedBaseUrl(raw, 'baseUrl');
    outbound?.check(url);
    return url;
  } catch (error) {
    throw new AiConfigError(`baseUrl: ${(error as Error).message}`);
  }
}
