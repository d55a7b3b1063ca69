import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import type { IntegrationFactory } from '../../src/integrations/index.ts';
import { createReceiver, type Receiver } from '../../src/receiver.ts';
import type { LogStore } from '../../src/store/LogStore.ts';
import { protobufRequest, type PosError } from '@stacklens/test-support/otlp';

export interface IntegrationReceiver {
  receiver: Receiver;
  request(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** Sends error records over OTLP/HTTP and waits until the pipeline has written what they caused. */
  ingest(errors: ReadonlyArray<PosError>): Promise<void>;
  /** Every response body this helper saw, and every log line the receiver wrote: where a leaked secret would show. */
  transcript(): string;
  close(): Promise<void>;
}

export interface IntegrationReceiverOptions {
  store: LogStore;
  dataDir: string;
  tokens: { viewer: string; editor?: string; admin: string };
  integrations: ReadonlyArray<IntegrationFactory>;
  env?: Record<string, string>;
}

/** The real receiver with the given integrations, on a store the test owns, logging everything (trace) into memory. */
export async function startIntegrationReceiver(options: IntegrationReceiverOptions): Promise<IntegrationReceiver> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { tokens } = options;
  const receiver = await createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: options.dataDir,
      STACKLENS_VIEWER_TOKEN: tokens.viewer,
      STACKLENS_ADMIN_TOKEN: tokens.admin,
      ...(tokens.editor ? { STACKLENS_EDITOR_TOKEN: tokens.editor } : {}),
      // The Jira and OpenAI doubles listen on 127.0.0.1.
      STACKLENS_ALLOW_PRIVATE_TARGETS: 'true',
      ...options.env,
    }),
    { store: options.store, logger: { level: 'trace', stream }, integrations: options.integrations },
  );
  const bodies: string[] = [];
  return {
    receiver,
    async request(method, url, payload, token = tokens.admin, headers = {}) {
      const response = await receiver.app.inject({
        method,
        url,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      bodies.push(response.body);
      return response;
    },
    async ingest(errors) {
      const response = await receiver.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/x-protobuf' },
        payload: protobufRequest(errors),
      });
      if (response.statusCode !== 200) throw new Error(`ingest: HTTP ${response.statusCode} ${response.body}`);
      await receiver.tracker.flush();
    },
    transcript: () => [...bodies, ...lines].join('\n'),
    close: () => receiver.close(),
  };
}

/** Polls until `check` gives a truthy value, and returns it. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
