import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { OutboundPolicy, outboundRefusal, peerText } from '../outbound/index.ts';
import type { Analyser, AnalysisRequest, Finding } from './Analyser.ts';
import { AnalyserError } from './Analyser.ts';
import { findingSchema, parseFinding } from './findingSchema.ts';
import { buildPrompt } from './prompt.ts';
import { REDACTED } from './redact.ts';

export interface OpenAiAnalyserOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint (Azure OpenAI, Ollama, vLLM, LM Studio…); OpenAI's own when absent. */
  baseUrl?: string;
  model: string;
  /** Tokens the answer may take [1,200]. */
  maxAnswerTokens?: number;
  /** The fetch to send with (tests may record what leaves) [the outbound policy's]. */
  fetch?: typeof fetch;
  /**
   * Which addresses the endpoint may be at, and no redirect elsewhere [STACKLENS_ALLOW_PRIVATE_TARGETS
   * of the process]. A `fetch` given above is used as it is.
   */
  outbound?: OutboundPolicy;
}

/** The name of the response format: it names the answer to the model. */
const FORMAT_NAME = 'incident_analysis';

/**
 * An analyser that asks a model through the OpenAI Chat Completions API for a structured
 * answer (`response_format: json_schema`, strict) and checks it against the same schema.
 * It makes one attempt: the enrich stage bounds the time, and answers offline when this fails.
 */
export class OpenAiAnalyser implements Analyser {
  readonly kind = 'openai';
  readonly model: string;
  readonly #client: OpenAI;
  readonly #maxAnswerTokens: number;

  constructor(options: OpenAiAnalyserOptions) {
    this.model = options.model;
    this.#maxAnswerTokens = options.maxAnswerTokens ?? 1_200;
    const outbound = options.outbound ?? OutboundPolicy.fromEnv();
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl || undefined,
      maxRetries: 0,
      // The stage's own time-out aborts the call; this only guards against a stage without one.
      timeout: 120_000,
      fetch: options.fetch ?? (outbound.fetch as typeof fetch),
      // The key and prompts must never reach a log line.
      logLevel: 'off',
    });
  }

  async analyse(request: AnalysisRequest, signal: AbortSignal): Promise<Finding> {
    const prompt = buildPrompt(request);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
          response_format: { type: 'json_schema', json_schema: { name: FORMAT_NAME, strict: true, schema: findingSchema } },
          max_completion_tokens: this.#maxAnswerTokens,
        },
        { signal },
      );
    } catch (error) {
      throw failureOf(error);
    }
    return findingOf(completion);
  }
}

function findingOf(completion: OpenAI.Chat.Completions.ChatCompletion): Finding {
  const choice = completion.choices?.[0];
  if (!choice) throw new AnalyserError('malformed', 'the answer has no choices');
  const { message } = choice;
  if (message?.refusal) throw new AnalyserError('refused', `the model refused: ${clip(message.refusal)}`);
  if (choice.finish_reason === 'content_filter') throw new AnalyserError('refused', 'the answer was withheld by the content filter');
  if (choice.finish_reason === 'length') throw new AnalyserError('malformed', 'the answer was cut at the token limit');
  const content = typeof message?.content === 'string' ? message.content : '';
  if (content === '') throw new AnalyserError('malformed', 'the answer is empty');
  const parsed = parseFinding(content);
  if ('error' in parsed) throw new AnalyserError('malformed', `the answer ${parsed.error}`);
  return parsed.finding;
}

/** What went wrong, in the stage's terms; the message never carries the key or the prompt. */
function failureOf(error: unknown): AnalyserError {
  if (error instanceof AnalyserError) return error;
  if (error instanceof APIUserAbortError) return new AnalyserError('timeout', 'the call was abandoned (time-out)', { cause: error });
  if (error instanceof APIConnectionTimeoutError)
    return new AnalyserError('timeout', 'the endpoint did not answer in time', { cause: error });
  const refused = outboundRefusal(error);
  if (refused) return new AnalyserError('unreachable', `the endpoint was not called: ${refused.message}`, { cause: error });
  if (error instanceof APIConnectionError) {
    return new AnalyserError('unreachable', `the endpoint is unreachable (${clip(causeText(error))})`, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const detail = `HTTP ${status}${error.message ? `: ${clip(error.message)}` : ''}`;
    if (status === 429) return new AnalyserError('rate-limited', `rate-limited by the endpoint (${detail})`, { cause: error });
    if (status === 401 || status === 403)
      return new AnalyserError('unauthorized', `the endpoint refused the key (${detail})`, { cause: error });
    if (status >= 500) return new AnalyserError('unavailable', `the endpoint failed (${detail})`, { cause: error });
    return new AnalyserError('rejected', `the endpoint rejected the request (${detail})`, { cause: error });
  }
  return new AnalyserError('unreachable', `the call failed: ${clip(error instanceof Error ? error.message : String(error))}`, {
    cause: error,
  });
}

function causeText(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error.message;
}

/** Error text for the audit trail: bounded, and redacted (a 401 from OpenAI quotes part of the key). */
function clip(text: string): string {
  return peerText(text.replace(/\bsk-\S+/g, REDACTED.secret), 200);
}
