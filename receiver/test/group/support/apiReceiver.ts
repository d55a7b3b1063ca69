import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../src/config.ts';
import { createReceiver, type Receiver, type ReceiverOptions } from '../../../src/receiver.ts';
import { openStore } from '../../../src/migrations.ts';
import { type LogStore } from '../../../src/store/LogStore.ts';
import { protobufRequest, type PosError } from '@stacklens/test-support/otlp';

export const TOKENS = {
  viewer: 'viewer-token-for-api-tests',
  editor: 'editor-token-for-api-tests',
  admin: 'admin-token-for-api-tests',
} as const;

export interface ApiReceiver {
  store: LogStore;
  receiver: Receiver;
  /** GET with the viewer token (or the one given; null for none). */
  get(url: string, token?: string | null): Promise<LightMyRequestResponse>;
  /** POST with the admin token (or the one given; null for none), and these extra headers. */
  post(url: string, token?: string | null, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Sends error records over OTLP/HTTP and waits until the pipeline has written what they caused. */
  ingest(errors: ReadonlyArray<PosError>): Promise<void>;
  close(): Promise<void>;
}

/** The real receiver on a chDB store in `dataDir`, with known tokens; `options` picks its integrations (the defaults otherwise). */
export async function startApiReceiver(
  dataDir: string,
  env: Record<string, string> = {},
  options: Pick<ReceiverOptions, 'integrations'> = {},
): Promise<ApiReceiver> {
  const store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
  const receiver = await createReceiver(
    loadConfig({
      STACKLENS_DATA_DIR: dataDir,
      STACKLENS_VIEWER_TOKEN: TOKENS.viewer,
      STACKLENS_EDITOR_TOKEN: TOKENS.editor,
      STACKLENS_ADMIN_TOKEN: TOKENS.admin,
      ...env,
    }),
    { store, ...options },
  );
  const headers = (token: string | null) => (token === null ? {} : { authorization: `Bearer ${token}` });
  return {
    store,
    receiver,
    get: (url, token = TOKENS.viewer) => receiver.app.inject({ method: 'GET', url, headers: headers(token) }),
    post: (url, token = TOKENS.admin, payload, extra = {}) =>
      receiver.app.inject({
        method: 'POST',
        url,
        headers: { ...headers(token), ...extra },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
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
    async close() {
      await receiver.close();
      await store.close();
    },
  };
}
