import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as it arrived. */
  raw: string;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; response_format?: unknown; [key: string]: unknown };
  /** Set when the client went away before the answer (an abandoned call). */
  aborted: boolean;
}

/** One scripted answer: a status and JSON body, optionally after a delay. */
export interface Reply {
  status?: number;
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface OpenAiDouble {
  /** The base URL to give the client (ends in /v1). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues answers for the next calls; after them, every call gets the standing answer (see `status`). */
  reply(...replies: Reply[]): void;
  /** The standing answer's status: 200 (the default) answers DOUBLE_FINDING, any other an OpenAI error body. */
  status: number;
  close(): Promise<void>;
}

/** A chat completion whose message content is this text. */
export function completion(content: string | null, extra: { refusal?: string; finish_reason?: string } = {}): unknown {
  return {
    id: 'chatcmpl-double',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'double-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: extra.refusal ?? null },
        finish_reason: extra.finish_reason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

export const DOUBLE_FINDING = {
  rootCause: 'Product 999 was imported without a price by the nightly feed.',
  category: 'data',
  fixes: [
    { action: 'Set the price of product 999', priority: 'high', estimatedMinutes: 10, automatable: false },
    { action: 'Re-run the nightly price feed', priority: 'medium', estimatedMinutes: 20, automatable: true },
  ],
  confidence: 0.87,
  summary: 'Product 999 has no price after the nightly feed',
};

/**
 * A stateful stand-in for an OpenAI-compatible endpoint (POST /v1/chat/completions): it
 * records every request as it arrived and answers from a script, so tests can check what
 * left StackLens and make the endpoint slow, rate-limited, failing or odd.
 */
export async function startOpenAiDouble(): Promise<OpenAiDouble> {
  const requests: RecordedRequest[] = [];
  const script: Reply[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        raw,
        body: raw === '' ? {} : (JSON.parse(raw) as RecordedRequest['body']),
        aborted: false,
      };
      requests.push(recorded);
      response.on('close', () => {
        open.delete(response);
        if (!response.writableFinished) recorded.aborted = true;
      });
      open.add(response);
      const reply = script.shift() ?? standingAnswer(double.status);
      const send = (): void => {
        if (response.destroyed) return;
        response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        response.end(JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const double: OpenAiDouble = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    status: 200,
    reply: (...replies) => script.push(...replies),
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return double;
}

function standingAnswer(status: number): Reply {
  if (status === 200) return { body: completion(JSON.stringify(DOUBLE_FINDING)) };
  return { status, body: { error: { message: `double answers ${status}`, type: 'server_error', param: null, code: null } } };
}
