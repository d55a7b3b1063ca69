import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/migrations.ts';
import { type LogStore } from '../../src/store/LogStore.ts';
import type { PosError } from '@stacklens/test-support/otlp';
import { startAiReceiver, TOKENS, waitFor, type AiReceiver } from './support/aiReceiver.ts';
import { DOUBLE_FINDING, startOpenAiDouble, type OpenAiDouble } from '@stacklens/test-support/openai';

const KEY = 'sk-proj-ai-settings-test-key-0123456789';
const ENV_KEY = 'sk-env-key-from-the-environment-9876543210';

const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-ai-settings-'));
let store: LogStore;
let double: OpenAiDouble;
let ai: AiReceiver;

beforeAll(async () => {
  store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  double = await startOpenAiDouble();
  ai = await startAiReceiver(store, dataDir);
}, 120_000);

afterAll(async () => {
  await ai?.close();
  await double?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const error = (errorCode: string, body: string): PosError => ({ errorCode, body, store: 'STORE_001', kiosk: 'KIOSK_001' });

async function analysisOf(errorCode: string) {
  return waitFor(async () => {
    const list = (await ai.request('GET', `/api/incidents?errorType=${errorCode}`, undefined, TOKENS.viewer)).json();
    const id = list.items[0]?.id;
    if (!id || !list.items[0].analysis) return undefined;
    return (await ai.request('GET', `/api/incidents/${id}`, undefined, TOKENS.viewer)).json();
  }, `an analysis of ${errorCode}`);
}

describe('GET/PUT/DELETE /api/integrations/ai', () => {
  it('needs the admin token', async () => {
    expect((await ai.request('GET', '/api/integrations/ai', undefined, null)).statusCode).toBe(401);
    expect((await ai.request('GET', '/api/integrations/ai', undefined, TOKENS.viewer)).statusCode).toBe(403);
    expect((await ai.request('PUT', '/api/integrations/ai', { provider: 'offline' }, TOKENS.viewer)).statusCode).toBe(403);
    expect((await ai.request('DELETE', '/api/integrations/ai', undefined, TOKENS.viewer)).statusCode).toBe(403);
  });

  it('answers the offline analyser from the environment by default', async () => {
    const view = (await ai.request('GET', '/api/integrations/ai')).json();
    expect(view).toMatchObject({
      provider: 'offline',
      baseUrl: null,
      model: 'gpt-4o-mini',
      apiKeySet: false,
      timeoutMs: 15_000,
      maxConcurrent: 4,
      ratePerMinute: 30,
      source: 'environment',
      updatedAt: null,
      knowledgeBase: 'offline-kb-2026.11',
    });
  });

  it('switches to a model at once, keeps the key write-only, and the model answers the next incident', async () => {
    const put = await ai.request('PUT', '/api/integrations/ai', {
      provider: 'openai',
      baseUrl: double.baseUrl,
      model: 'gpt-test',
      apiKey: KEY,
      timeoutMs: 5_000,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      provider: 'openai',
      baseUrl: double.baseUrl,
      model: 'gpt-test',
      apiKeySet: true,
      timeoutMs: 5_000,
      source: 'api',
    });
    expect(put.body).not.toContain(KEY);

    await ai.ingest([error('MISSING_PRICE', 'Product 999 (Mystery Product) has no price')]);
    const detail = await analysisOf('MISSING_PRICE');
    expect(detail.analysis).toMatchObject({
      analyser: 'openai',
      model: 'gpt-test',
      rootCause: DOUBLE_FINDING.rootCause,
      confidence: DOUBLE_FINDING.confidence,
    });
    expect(double.requests).toHaveLength(1);
    expect(double.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(double.requests[0]!.body.model).toBe('gpt-test');
  });

  it('records a failing model in the audit trail and answers offline', async () => {
    double.status = 500;
    await ai.ingest([error('PRODUCT_NOT_FOUND', 'Product 4242 does not exist in the catalogue')]);
    const detail = await waitFor(async () => {
      const body = await analysisOf('PRODUCT_NOT_FOUND');
      return body.audit.some((entry: { stage: string }) => entry.stage === 'ai.completed') ? body : undefined;
    }, 'the audit of the fallback');
    double.status = 200;
    expect(detail.analysis).toMatchObject({ analyser: 'offline', category: 'data', fallbackReason: expect.stringContaining('HTTP 500') });
    const trail = detail.audit.map((entry: { stage: string; detail: string }) => `${entry.stage}: ${entry.detail}`);
    expect(trail).toEqual([
      expect.stringMatching(/^detected: /),
      'ai.pending: new incident: asking openai model gpt-test (time-out 5000 ms)',
      expect.stringMatching(/^ai\.failed: openai model gpt-test: the endpoint failed \(HTTP 500.*; the offline analyser answers instead$/),
      expect.stringMatching(
        /^ai\.completed: by offline \(offline-kb-2026\.11\): data, confidence 0\.80, \d+ ms; fallback because the endpoint failed/,
      ),
    ]);
  });

  it('keeps the key only for the same endpoint, and refuses settings that cannot be right', async () => {
    const sameEndpoint = await ai.request('PUT', '/api/integrations/ai', {
      provider: 'openai',
      baseUrl: double.baseUrl,
      model: 'gpt-test-2',
    });
    expect(sameEndpoint.json()).toMatchObject({ model: 'gpt-test-2', apiKeySet: true });
    const elsewhere = await ai.request('PUT', '/api/integrations/ai', {
      provider: 'openai',
      baseUrl: 'https://attacker.example/v1',
      model: 'm',
    });
    // Well-formed, but no key is in force for that endpoint: a conflict with the state.
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json()).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('apiKey is required') });
    const cases: Array<[unknown, RegExp]> = [
      [{ provider: 'openai', baseUrl: 'ftp://x', apiKey: 'k' }, /body\.baseUrl/],
      [{ provider: 'openai', baseUrl: 'https://user:pw@host/v1', apiKey: 'k' }, /body\.baseUrl/],
      [{ provider: 'offline', timeoutMs: 5 }, /body\.timeoutMs must be >= 100/],
      [{ provider: 'offline', maxConcurrent: 0 }, /body\.maxConcurrent/],
      [{ provider: 'gemini' }, /body\.provider/],
      [{ provider: 'offline', apiKeySet: true }, /body\.apiKeySet is not a known property/],
    ];
    for (const [body, message] of cases) {
      const response = await ai.request('PUT', '/api/integrations/ai', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().message).toMatch(message);
    }
    expect((await ai.request('GET', '/api/integrations/ai')).json()).toMatchObject({ model: 'gpt-test-2', baseUrl: double.baseUrl });
  });

  it('reverts to the environment on DELETE, on every receiver reading the store', async () => {
    const removed = await ai.request('DELETE', '/api/integrations/ai');
    expect(removed.json()).toMatchObject({ provider: 'offline', apiKeySet: false, source: 'environment' });
    const again = await ai.request('PUT', '/api/integrations/ai', { provider: 'openai', baseUrl: double.baseUrl });
    expect(again.statusCode).toBe(409);
  });

  it('uses OPENAI_* from the environment, and the environment key only for its own endpoint', async () => {
    await ai.close();
    ai = await startAiReceiver(store, dataDir, {
      env: { OPENAI_API_KEY: ENV_KEY, OPENAI_BASE_URL: double.baseUrl, OPENAI_MODEL: 'env-model', STACKLENS_AI_RATE_PER_MINUTE: '5' },
    });
    expect((await ai.request('GET', '/api/integrations/ai')).json()).toMatchObject({
      provider: 'openai',
      baseUrl: double.baseUrl,
      model: 'env-model',
      apiKeySet: true,
      ratePerMinute: 5,
      source: 'environment',
    });
    const sameEndpoint = await ai.request('PUT', '/api/integrations/ai', {
      provider: 'openai',
      baseUrl: double.baseUrl,
      model: 'env-model',
      timeoutMs: 4_000,
    });
    expect(sameEndpoint.json()).toMatchObject({ apiKeySet: true, source: 'api', timeoutMs: 4_000 });
    const elsewhere = await ai.request('PUT', '/api/integrations/ai', { provider: 'openai', baseUrl: 'https://other.example/v1' });
    expect(elsewhere.statusCode).toBe(409);
    await ai.ingest([error('INVENTORY_SHORTAGE', 'Only 2 unit(s) of product 101 in stock, 5 requested')]);
    await analysisOf('INVENTORY_SHORTAGE');
    expect(double.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ENV_KEY}`);
  });

  it('never shows a key in a response or a log line', () => {
    const transcript = ai.transcript();
    expect(transcript.length).toBeGreaterThan(1_000);
    expect(transcript).toContain('AI analysis: model');
    for (const secret of [KEY, ENV_KEY, KEY.slice(8, 28), ENV_KEY.slice(8, 28)]) expect(transcript).not.toContain(secret);
  });
});
