import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded store on the standard OTLP/HTTP port', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4318, maxBodyBytes: 64 * 1024 * 1024 });
    expect(config.store).toEqual({ kind: 'chdb', dataDir: resolve('./data'), database: 'stacklens', retentionDays: 30 });
    expect(config.ingestToken).toBeUndefined();
    expect(config.detection).toBe(true);
    expect(loadConfig({ STACKLENS_DETECTION: 'off' }).detection).toBe(false);
  });

  it('bounds slow and many clients and big queues by default, and never allows private targets unless told', () => {
    expect(loadConfig({})).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      maxConnections: 1024,
      maxQueuedBytes: 256 * 1024 * 1024,
      maxRecordValues: 10_000,
      allowPrivateTargets: false,
    });
    expect(loadConfig({ STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' }).allowPrivateTargets).toBe(true);
  });

  it('switches to a ClickHouse server and cluster by URL', () => {
    const config = loadConfig({
      CLICKHOUSE_URL: 'http://ch.internal:8123',
      CLICKHOUSE_USER: 'writer',
      CLICKHOUSE_PASSWORD: 's3cret',
      CLICKHOUSE_DATABASE: 'logs',
      CLICKHOUSE_CLUSTER: 'main_cluster',
      STACKLENS_RETENTION_DAYS: '7',
      STACKLENS_INGEST_TOKEN: 'ingest-token-0123456789',
    });
    expect(config.store).toEqual({
      kind: 'server',
      url: 'http://ch.internal:8123',
      username: 'writer',
      password: 's3cret',
      database: 'logs',
      cluster: 'main_cluster',
      retentionDays: 7,
    });
    expect(config.ingestToken).toBe('ingest-token-0123456789');
  });

  it.each([
    [{ RECEIVER_PORT: 'http' }, /RECEIVER_PORT="http": expected an integer from 0 to 65535/],
    [{ RECEIVER_PORT: '70000' }, /RECEIVER_PORT/],
    [{ STACKLENS_RETENTION_DAYS: '0' }, /STACKLENS_RETENTION_DAYS="0"/],
    [{ CLICKHOUSE_DATABASE: 'logs; DROP TABLE x' }, /CLICKHOUSE_DATABASE=.*letters, digits and underscores/],
    [{ CLICKHOUSE_URL: 'ch.internal:8123' }, /CLICKHOUSE_URL="ch.internal:8123": expected an http/],
    [{ CLICKHOUSE_URL: 'not a url' }, /CLICKHOUSE_URL/],
    [{ CLICKHOUSE_URL: 'http://x:8123', CLICKHOUSE_CLUSTER: "c' x" }, /CLICKHOUSE_CLUSTER/],
    [{ STACKLENS_DETECTION: 'maybe' }, /STACKLENS_DETECTION="maybe": expected on or off/],
    [{ STACKLENS_INGEST_TOKEN: 'replace-me-with-openssl-rand-hex-24' }, /placeholder of .env.example.*openssl rand -hex 24/],
    [{ STACKLENS_INGEST_TOKEN: 'short' }, /at least 16 characters.*openssl rand/],
    [{ RECEIVER_HEADERS_TIMEOUT_MS: '5000', RECEIVER_REQUEST_TIMEOUT_MS: '1000' }, /must not be more than RECEIVER_REQUEST_TIMEOUT_MS/],
    [{ STACKLENS_ALLOW_PRIVATE_TARGETS: 'yes' }, /STACKLENS_ALLOW_PRIVATE_TARGETS="yes": expected true or false/],
  ])('names the bad setting: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
