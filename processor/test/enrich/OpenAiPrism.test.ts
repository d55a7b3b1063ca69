import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyserError } from '../../src/enrich/Analyser.ts';
import { OpenAiAnalyser } from '../../src/enrich/OpenAiAnalyser.ts';
import * as pos from '../support/posRecords.ts';
import { incidentOf } from './support/incidents.ts';
import { startPrismOpenAi, type PrismServer } from '@stacklens/test-support/prism';

/**
 * The OpenAI path against OpenAI's own contract: Prism serves OpenAI's OpenAPI document with
 * request validation on, so a request OpenAI would refuse fails here too.
 */
let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrismOpenAi();
}, 240_000);
afterAll(async () => {
  await prism?.close();
});

const KEY = 'sk-test-prism-0123456789abcdef';

describe("OpenAiAnalyser against OpenAI's document (Prism, validating)", () => {
  it("sends a request that passes OpenAI's contract (Prism then answers with its example: a refusal, which is no analysis)", async () => {
    const incident = await incidentOf(pos.missingPrice());
    const analyser = new OpenAiAnalyser({ apiKey: KEY, baseUrl: prism.url, model: 'gpt-4o-mini' });
    const before = prism.log().length;
    let failure: AnalyserError | undefined;
    try {
      await analyser.analyse({ incident, similar: [] }, new AbortController().signal);
    } catch (error) {
      failure = error as AnalyserError;
    }
    // A request Prism refuses would be 'rejected' (HTTP 422). Its example answer carries `refusal: "string"`,
    // which the analyser treats as the model refusing: the offline analyser would answer.
    expect(failure).toBeInstanceOf(AnalyserError);
    expect(failure!.failure).toBe('refused');
    expect(failure!.message).toBe('the model refused: string');
    const log = prism.log().slice(before);
    expect(log).toContain('The request passed the validation rules');
    expect(log).not.toContain('did not pass the validation rules');
  }, 60_000);

  it('refuses requests that break the contract, so the test above can fail', async () => {
    const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
      fetch(`${prism.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const noMessages = await post({ model: 'gpt-4o-mini' });
    expect(noMessages.status).toBe(422);
    expect(JSON.stringify(await noMessages.json())).toContain("must have required property 'messages'");
    const badFormat = await post({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema' },
    });
    expect(badFormat.status).toBe(422);
    const noKey = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, {});
    expect(noKey.status).toBe(401);
    // The same through the openai client: the analyser's own transport would see the refusal.
    const client = new OpenAI({ apiKey: KEY, baseURL: prism.url, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).rejects.toMatchObject({ status: 422 });
  }, 60_000);
});
