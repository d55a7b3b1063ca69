import { describe, expect, it } from 'vitest';
import { readAiEnv } from '../../src/enrich/aiEnv.ts';
import { ConfigError } from '../../src/config.ts';

describe('readAiEnv', () => {
  it('is the offline analyser with default limits when nothing is set', () => {
    expect(readAiEnv({})).toEqual({
      apiKey: undefined,
      config: { provider: 'offline', model: 'gpt-4o-mini', timeoutMs: 15_000, maxConcurrent: 4, ratePerMinute: 30 },
    });
  });

  it('asks a model when OPENAI_API_KEY is set, at OPENAI_BASE_URL with OPENAI_MODEL, unless told offline', () => {
    const env = {
      OPENAI_API_KEY: 'sk-x',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
      OPENAI_MODEL: 'llama3.1',
      STACKLENS_AI_TIMEOUT_MS: '30000',
    };
    expect(readAiEnv(env)).toEqual({
      apiKey: 'sk-x',
      config: {
        provider: 'openai',
        baseUrl: 'http://127.0.0.1:11434/v1',
        model: 'llama3.1',
        timeoutMs: 30_000,
        maxConcurrent: 4,
        ratePerMinute: 30,
      },
    });
    expect(readAiEnv({ ...env, STACKLENS_AI_PROVIDER: 'offline' }).config.provider).toBe('offline');
  });

  it('refuses values that cannot be right, naming the variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ STACKLENS_AI_PROVIDER: 'openai' }, /STACKLENS_AI_PROVIDER=openai needs OPENAI_API_KEY/],
      [{ STACKLENS_AI_PROVIDER: 'claude' }, /expected offline or openai/],
      [{ OPENAI_BASE_URL: 'not a url' }, /OPENAI_BASE_URL=.*expected an http/],
      [{ OPENAI_BASE_URL: 'https://k:secret@example.com/v1' }, /not in the URL/],
      [{ STACKLENS_AI_MAX_CONCURRENT: '0' }, /STACKLENS_AI_MAX_CONCURRENT="0": expected an integer from 1 to 64/],
      [{ STACKLENS_AI_RATE_PER_MINUTE: 'lots' }, /STACKLENS_AI_RATE_PER_MINUTE/],
      [{ STACKLENS_AI_TIMEOUT_MS: '10' }, /STACKLENS_AI_TIMEOUT_MS/],
    ];
    for (const [env, message] of cases) {
      expect(() => readAiEnv(env)).toThrow(ConfigError);
      expect(() => readAiEnv(env)).toThrow(message);
    }
  });
});
