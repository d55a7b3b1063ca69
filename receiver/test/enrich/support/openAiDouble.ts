import Fastify from 'fastify';

export interface ChatRequest {
  headers: Record<string, string | string[] | undefined>;
  body: { model: string; messages: Array<{ role: string; content: string }>; response_format?: unknown };
}

export interface OpenAiDouble {
  /** The base URL a client is given (ends in /v1). */
  baseUrl: string;
  requests: ChatRequest[];
  /** The status the next calls answer with (200: the structured finding below). */
  status: number;
  close(): Promise<void>;
}

export const DOUBLE_FINDING = {
  rootCause: 'The nightly price import skipped product 999 (the model says).',
  category: 'data',
  fixes: [{ action: 'Re-run the price import for product 999', priority: 'high', estimatedMinutes: 15, automatable: true }],
  confidence: 0.77,
  summary: 'Price import skipped product 999',
};

/** An OpenAI-compatible endpoint in miniature (POST /v1/chat/completions), recording what it is sent. */
export async function startOpenAiDouble(): Promise<OpenAiDouble> {
  const app = Fastify({ logger: false });
  const double: Omit<OpenAiDouble, 'baseUrl'> = { requests: [], status: 200, close: () => app.close() };
  app.post<{ Body: ChatRequest['body'] }>('/v1/chat/completions', async (request, reply) => {
    double.requests.push({ headers: request.headers, body: request.body });
    if (double.status !== 200)
      return reply.code(double.status).send({ error: { message: `double answers ${double.status}`, type: 'server_error' } });
    return {
      id: 'chatcmpl-receiver-double',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: JSON.stringify(DOUBLE_FINDING), refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
    };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(double, { baseUrl: `${address}/v1` });
}
