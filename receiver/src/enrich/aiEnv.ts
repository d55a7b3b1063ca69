import { ConfigError, type Env } from '../config.ts';

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/** The analyser settings, as the API and the environment both give them. */
export interface AiConfig {
  provider: 'offline' | 'openai';
  /** An OpenAI-compatible endpoint; OpenAI's own when absent. */
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  maxConcurrent: number;
  ratePerMinute: number;
}

/** What the environment says: the defaults until an admin saves settings through the API. */
export interface AiEnv {
  config: AiConfig;
  /** OPENAI_API_KEY. */
  apiKey?: string;
}

export const AI_LIMITS = {
  timeoutMs: { min: 100, max: 300_000, fallback: 15_000 },
  maxConcurrent: { min: 1, max: 64, fallback: 4 },
  ratePerMinute: { min: 1, max: 10_000, fallback: 30 },
} as const;

/**
 * OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL and STACKLENS_AI_*. The provider is `openai`
 * when a key is given, `offline` otherwise (STACKLENS_AI_PROVIDER=offline keeps a key unused).
 * @throws ConfigError for a value that cannot be right.
 */
export function readAiEnv(env: Env): AiEnv {
  const apiKey = env.OPENAI_API_KEY || undefined;
  const provider = providerOf(env, apiKey);
  const baseUrl = env.OPENAI_BASE_URL ? checkedBaseUrl(env.OPENAI_BASE_URL, 'OPENAI_BASE_URL') : undefined;
  return {
    apiKey,
    config: {
      provider,
      ...(baseUrl ? { baseUrl } : {}),
      model: env.OPENAI_MODEL || DEFAULT_OPENAI_MODEL,
      timeoutMs: integer(env, 'STACKLENS_AI_TIMEOUT_MS', AI_LIMITS.timeoutMs),
      maxConcurrent: integer(env, 'STACKLENS_AI_MAX_CONCURRENT', AI_LIMITS.maxConcurrent),
      ratePerMinute: integer(env, 'STACKLENS_AI_RATE_PER_MINUTE', AI_LIMITS.ratePerMinute),
    },
  };
}

function providerOf(env: Env, apiKey: string | undefined): AiConfig['provider'] {
  const raw = env.STACKLENS_AI_PROVIDER;
  if (raw === undefined || raw === '') return apiKey ? 'openai' : 'offline';
  if (raw === 'offline') return 'offline';
  if (raw === 'openai') {
    if (!apiKey) throw new ConfigError('STACKLENS_AI_PROVIDER=openai needs OPENAI_API_KEY');
    return 'openai';
  }
  throw new ConfigError(`STACKLENS_AI_PROVIDER=${JSON.stringify(raw)}: expected offline or openai`);
}

/** An http(s) URL without credentials in it (they would end up in logs); trailing slashes dropped. */
export function checkedBaseUrl(raw: string, name: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name}: expected an http:// or https:// URL`);
  if (url.username || url.password) throw new ConfigError(`${name}: put the key in the API key, not in the URL`);
  return raw.replace(/\/+$/, '');
}

function integer(env: Env, name: string, limits: { min: number; max: number; fallback: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return limits.fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected an integer from ${limits.min} to ${limits.max}`);
  }
  return value;
}
