import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyserError } from '../../src/enrich/Analyser.ts';
import { EnrichStage } from '../../src/enrich/EnrichStage.ts';
import { findingSchema } from '../../src/enrich/findingSchema.ts';
import { OpenAiAnalyser } from '../../src/enrich/OpenAiAnalyser.ts';
import { OutboundPolicy } from '../../src/outbound/index.ts';
import { MAX_PROMPT_CHARS, SYSTEM_PROMPT } from '../../src/enrich/prompt.ts';
import type { Incident } from '../../src/types.ts';
import * as pos from '../support/posRecords.ts';
import { trackerHarness } from '../support/trackerHarness.ts';
import { closedPort } from '@stacklens/test-support/network';
import { errorRecord, incidentOf } from './support/incidents.ts';
import { InMemoryAnalysisStore, RecordingAuditLog } from './support/enrichDoubles.ts';
import { completion, DOUBLE_FINDING, startOpenAiDouble, type OpenAiDouble } from '@stacklens/test-support/openai';

const KEY = 'sk-test-0123456789abcdefghijKLMNOP';

let double: OpenAiDouble;
beforeEach(async () => {
  double = await startOpenAiDouble();
});
afterEach(async () => {
  await double.close();
});

function analyser(baseUrl = double.baseUrl): OpenAiAnalyser {
  return new OpenAiAnalyser({ apiKey: KEY, baseUrl, model: 'gpt-test-mini' });
}

async function failureOf(promise: Promise<unknown>): Promise<AnalyserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AnalyserError) return error;
    throw error;
  }
  throw new Error('the analysis did not fail');
}

const signal = () => new AbortController().signal;

describe('OpenAiAnalyser and the outbound policy', () => {
  it('does not call an endpoint at a private address unless private targets are allowed', async () => {
    const incident = await incidentOf(pos.missingPrice());
    const strict = new OpenAiAnalyser({
      apiKey: KEY,
      baseUrl: double.baseUrl,
      model: 'gpt-test-mini',
      outbound: new OutboundPolicy({ allowPrivate: false }),
    });
    const failure = await failureOf(strict.analyse({ incident, similar: [] }, signal()));
    expect(failure.failure).toBe('unreachable');
    expect(failure.message).toMatch(
      /the endpoint was not called: 127\.0\.0\.1:\d+ is a loopback address: set STACKLENS_ALLOW_PRIVATE_TARGETS=true/,
    );
    expect(double.requests).toEqual([]);
  });
});

describe('OpenAiAnalyser against an OpenAI-compatible double', () => {
  it('asks chat completions for a strict JSON-schema answer and turns it into a ranked finding', async () => {
    const incident = await incidentOf(pos.missingPrice());
    const finding = await analyser().analyse({ incident, similar: [] }, signal());
    expect(finding).toEqual({
      ...DOUBLE_FINDING,
      fixes: DOUBLE_FINDING.fixes.map((fix, index) => ({ ...fix, rank: index + 1 })),
    });
    const [request] = double.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body.model).toBe('gpt-test-mini');
    expect(request!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'incident_analysis', strict: true, schema: JSON.parse(JSON.stringify(findingSchema)) },
    });
    const [system, user] = request!.body.messages!;
    expect(system).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(user!.role).toBe('user');
    expect(user!.content).toContain('error type: MISSING_PRICE');
    expect(user!.content).toContain('product.id: 999');
  });

  it('sends no card number, e-mail, token, key or IP address to the model', async () => {
    const secrets = {
      card: '4111 1111 1111 1111',
      email: 'jane.doe@example.com',
      bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrMSJ9.c2lnbmF0dXJl',
      key: 'sk-live-abcdefghijklmnop1234',
      ip: '192.168.17.42',
      ipv6: '2001:db8::1',
    };
    const incident = await incidentOf(
      errorRecord(`charge failed for ${secrets.card} (${secrets.email}) from ${secrets.ip}`, {
        'error.code': 'PAYMENT_FAILED',
        'http.request.header.authorization': `Bearer ${secrets.bearer}`,
        'upstream.url': `https://psp.example/charge?api_key=${secrets.key}`,
        'client.address': secrets.ipv6,
        'exception.stacktrace': `Error: declined ${secrets.card.replaceAll(' ', '')}\n    at charge (/app/pay.js:10:5)`,
      }),
    );
    await analyser().analyse({ incident, similar: [] }, signal());
    const { raw } = double.requests[0]!;
    for (const value of [...Object.values(secrets), secrets.card.replaceAll(' ', ''), '4111']) expect(raw).not.toContain(value);
    for (const marker of ['REDACTED_CARD', 'REDACTED_EMAIL', 'REDACTED_TOKEN', 'REDACTED_SECRET', 'REDACTED_IP'])
      expect(raw).toContain(marker);
  });

  it('bounds the prompt whatever the incident holds', async () => {
    const incident: Incident = await incidentOf(pos.missingPrice());
    const huge = 'x'.repeat(50_000);
    const big: Incident = {
      ...incident,
      title: huge,
      samples: Array.from({ length: 5 }, () => ({
        ...incident.samples[0]!,
        body: huge,
        attributes: { 'exception.stacktrace': huge, a: huge },
      })),
    };
    const similar = Array.from({ length: 20 }, (_, index) => ({
      incidentId: `p${index}`,
      errorType: 'X',
      title: huge,
      status: 'open' as const,
      rootCause: huge,
      fixes: [{ rank: 1, action: huge, priority: 'low' as const, estimatedMinutes: 1, automatable: false }],
    }));
    await analyser().analyse({ incident: big, similar }, signal());
    expect(double.requests[0]!.body.messages![1]!.content.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
  });

  it('classifies what goes wrong: 429, 500, 401 (without the key in the message), 400, no listener', async () => {
    const incident = await incidentOf(pos.missingPrice());
    const request = { incident, similar: [] };
    double.reply(
      { status: 429, body: { error: { message: 'Rate limit reached', type: 'requests' } }, headers: { 'retry-after': '1' } },
      { status: 500, body: { error: { message: 'The server had an error' } } },
      {
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${KEY.slice(0, 8)}***${KEY.slice(-4)}. You can find your API key at …` } },
      },
      { status: 400, body: { error: { message: "Invalid schema for response_format 'incident_analysis'" } } },
    );
    const rateLimited = await failureOf(analyser().analyse(request, signal()));
    expect([rateLimited.failure, rateLimited.transient]).toEqual(['rate-limited', true]);
    expect(rateLimited.message).toContain('HTTP 429');
    const failed = await failureOf(analyser().analyse(request, signal()));
    expect([failed.failure, failed.transient]).toEqual(['unavailable', true]);
    const unauthorized = await failureOf(analyser().analyse(request, signal()));
    expect([unauthorized.failure, unauthorized.transient]).toEqual(['unauthorized', false]);
    expect(unauthorized.message).not.toContain(KEY.slice(0, 8));
    const rejected = await failureOf(analyser().analyse(request, signal()));
    expect([rejected.failure, rejected.transient]).toEqual(['rejected', false]);
    expect(double.requests).toHaveLength(4); // no retries behind the stage's back
    const unreachable = await failureOf(analyser(`http://127.0.0.1:${await closedPort()}/v1`).analyse(request, signal()));
    expect([unreachable.failure, unreachable.transient]).toEqual(['unreachable', true]);
  });

  it('refuses a refusal, a cut answer, text that is not JSON and JSON that breaks the schema', async () => {
    const incident = await incidentOf(pos.missingPrice());
    const request = { incident, similar: [] };
    double.reply(
      { body: completion(null, { refusal: "I can't help with that." }) },
      { body: completion('{"rootCause": "The pri', { finish_reason: 'length' }) },
      { body: completion('The root cause is probably the price.') },
      { body: completion(JSON.stringify({ ...DOUBLE_FINDING, confidence: 3 })) },
      { body: completion(JSON.stringify({ ...DOUBLE_FINDING, category: 'weather' })) },
      { body: completion(JSON.stringify({ ...DOUBLE_FINDING, extra: true })) },
      { body: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [] } },
    );
    const messages: string[] = [];
    for (let i = 0; i < 7; i++) {
      const error = await failureOf(analyser().analyse(request, signal()));
      messages.push(`${error.failure}: ${error.message}`);
    }
    expect(messages).toEqual([
      "refused: the model refused: I can't help with that.",
      'malformed: the answer was cut at the token limit',
      'malformed: the answer not JSON: "The root cause is probably the price."',
      'malformed: the answer does not match the schema: /confidence must be <= 1',
      'malformed: the answer does not match the schema: /category must be equal to one of the allowed values',
      'malformed: the answer does not match the schema: / must NOT have additional properties',
      'malformed: the answer has no choices',
    ]);
  });

  it('behind the enrich stage: a slow endpoint is abandoned at the time-out and the offline answer is used', async () => {
    double.reply({ delayMs: 5_000 });
    const harness = trackerHarness();
    const store = new InMemoryAnalysisStore();
    const stage = new EnrichStage({
      store,
      audit: new RecordingAuditLog(),
      publish: harness.bus,
      settings: { model: analyser(), timeoutMs: 300 },
    });
    await harness.tracker.start();
    harness.tracker.addStage(stage);
    harness.record(pos.missingPrice());
    const id = harness.tracker.list()[0]!.id;
    const analysis = await stage.analysisFor(id, 10_000);
    expect(analysis).toMatchObject({ analyser: 'offline', fallbackReason: 'no answer within 300 ms', category: 'data' });
    await stage.close();
    await expect.poll(() => double.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
  });
});
