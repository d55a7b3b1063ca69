import type { StoreConfig } from './store/LogStore.ts';
import { resolve } from 'node:path';

export interface ReceiverConfig {
  host: string;
  port: number;
  /** Largest request body accepted, after gzip decompression (the OTLP spec suggests 64 MiB). */
  maxBodyBytes: number;
  /** Rows waiting for the store beyond which new requests are shed with 429. */
  maxQueuedRows: number;
  /** Encoded bytes waiting for the store beyond which new requests are shed with 429. */
  maxQueuedBytes: number;
  /** Values (attributes, nested entries, array items) one record, resource or scope may hold; more is a 400. */
  maxRecordValues: number;
  /** Longest wait for a request's headers, then for the whole request: 408 and the connection closed. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
  /** STACKLENS_ALLOW_PRIVATE_TARGETS: admin-set URLs (Jira, the model) may be loopback, private or link-local addresses. */
  allowPrivateTargets: boolean;
  /** Rows per insert: concurrent requests are batched up to this size. */
  maxBatchRows: number;
  /** Inserts running at once. */
  maxConcurrentInserts: number;
  /** Seconds a shed client is told to wait (Retry-After). */
  retryAfterSeconds: number;
  ingestToken?: string;
  /** The receiver's own files (the generated API tokens; the embedded store's data by default). */
  dataDir: string;
  /** STACKLENS_VIEWER_TOKEN / STACKLENS_EDITOR_TOKEN / STACKLENS_ADMIN_TOKEN; the generated tokens stand in for those not given. */
  viewerToken?: string;
  editorToken?: string;
  adminToken?: string;
  /** STACKLENS_SECRET_KEY: seals stored secrets; `<dataDir>/secret.key` (created on first start) when absent. */
  secretKey?: string;
  /** A detection rules file (YAML or JSON); the processor's default rules when absent. */
  rulesFile?: string;
  /** false: the receiver only stores logs (an ingest-only tier); detection, incidents and live events stay idle. */
  detection: boolean;
  store: StoreConfig;
  /** The environment this configuration was read from: the integrations read their own variables (JIRA_*, OPENAI_*) from it. */
  env: Readonly<Env>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

const MIB = 1024 * 1024;

export function loadConfig(env: Env = process.env): ReceiverConfig {
  const retentionDays = integer(env, 'STACKLENS_RETENTION_DAYS', 30, 1, 36_500);
  const database = identifier(env, 'CLICKHOUSE_DATABASE', 'stacklens');
  const dataDir = resolve(env.STACKLENS_DATA_DIR || './data');
  return {
    host: env.RECEIVER_HOST || '127.0.0.1',
    port: integer(env, 'RECEIVER_PORT', 4318, 0, 65_535),
    maxBodyBytes: integer(env, 'RECEIVER_MAX_BODY_BYTES', 64 * MIB, 1024, 1024 * MIB),
    maxQueuedRows: integer(env, 'RECEIVER_MAX_QUEUED_ROWS', 200_000, 1, 10_000_000),
    maxQueuedBytes: integer(env, 'RECEIVER_MAX_QUEUED_BYTES', 256 * MIB, 1024, 16 * 1024 * MIB),
    maxRecordValues: integer(env, 'RECEIVER_MAX_RECORD_VALUES', 10_000, 10, 10_000_000),
    ...timeouts(env),
    maxConnections: integer(env, 'RECEIVER_MAX_CONNECTIONS', 1024, 1, 1_000_000),
    allowPrivateTargets: trueFalse(env, 'STACKLENS_ALLOW_PRIVATE_TARGETS', false),
    maxBatchRows: integer(env, 'RECEIVER_MAX_BATCH_ROWS', 50_000, 1, 1_000_000),
    maxConcurrentInserts: integer(env, 'RECEIVER_MAX_CONCURRENT_INSERTS', 2, 1, 64),
    retryAfterSeconds: integer(env, 'RECEIVER_RETRY_AFTER_SECONDS', 1, 1, 3600),
    ingestToken: ingestToken(env),
    dataDir,
    viewerToken: env.STACKLENS_VIEWER_TOKEN || undefined,
    editorToken: env.STACKLENS_EDITOR_TOKEN || undefined,
    adminToken: env.STACKLENS_ADMIN_TOKEN || undefined,
    rulesFile: env.STACKLENS_RULES_FILE ? resolve(env.STACKLENS_RULES_FILE) : undefined,
    detection: onOff(env, 'STACKLENS_DETECTION', true),
    secretKey: env.STACKLENS_SECRET_KEY || undefined,
    env,
    store: env.CLICKHOUSE_URL
      ? {
          kind: 'server',
          url: url(env, 'CLICKHOUSE_URL'),
          username: env.CLICKHOUSE_USER || 'default',
          password: env.CLICKHOUSE_PASSWORD ?? '',
          database,
          cluster: env.CLICKHOUSE_CLUSTER ? identifier(env, 'CLICKHOUSE_CLUSTER', '') : undefined,
          retentionDays,
        }
      : {
          kind: 'chdb',
          dataDir,
          database,
          retentionDays,
        },
  };
}

// Node refuses a headers time-out longer than the request time-out.
function timeouts(env: Env): { headersTimeoutMs: number; requestTimeoutMs: number } {
  const headersTimeoutMs = integer(env, 'RECEIVER_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  const requestTimeoutMs = integer(env, 'RECEIVER_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `RECEIVER_HEADERS_TIMEOUT_MS=${headersTimeoutMs} must not be more than RECEIVER_REQUEST_TIMEOUT_MS=${requestTimeoutMs}`,
    );
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

/** A `true`/`false` variable; unset or empty is the fallback. */
export function trueFalse(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected true or false`);
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected on or off`);
}

/** An integer variable within [min, max]; unset or empty is the fallback. */
export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
  }
  return value;
}

// Database and cluster names are spliced into DDL, so only plain identifiers pass.
function identifier(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new ConfigError(`${name}=${JSON.stringify(value)}: expected letters, digits and underscores`);
  }
  return value;
}

/** STACKLENS_INGEST_TOKEN: unset, or a real token (not the placeholder of .env.example, 16 characters or more). */
function ingestToken(env: Env): string | undefined {
  const token = env.STACKLENS_INGEST_TOKEN;
  if (!token) return undefined;
  if (/^(replace-me|change-me)/i.test(token)) {
    throw new ConfigError(
      'STACKLENS_INGEST_TOKEN is the placeholder of .env.example, not a token: generate one with: openssl rand -hex 24',
    );
  }
  if (token.length < 16) {
    throw new ConfigError('STACKLENS_INGEST_TOKEN must have at least 16 characters: generate one with: openssl rand -hex 24');
  }
  return token;
}

function url(env: Env, name: string): string {
  const raw = env[name] ?? '';
  try {
    const parsed = new URL(raw);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw;
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected an http:// or https:// URL`);
}
