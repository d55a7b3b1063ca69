export interface PosConfig {
  port: number;
  host: string;
  paymentFailureRate: number;
  restockIntervalMs: number;
  /** POS_LOG_FILE: also write every record as a plain-text line to this file (for the Collector's filelog receiver). */
  logFile?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * The POS's own settings from the environment. The OTEL_* variables are deliberately not read
 * here: @stacklens/telemetry reads them, so the standard ones work unchanged.
 */
export function readPosConfig(env: NodeJS.ProcessEnv): PosConfig {
  return {
    port: readNumber(env, 'POS_PORT', 3001, (value) => Number.isInteger(value) && value >= 0 && value <= 65535),
    host: env.POS_HOST || '127.0.0.1',
    paymentFailureRate: readNumber(env, 'POS_PAYMENT_FAILURE_RATE', 0, (value) => value >= 0 && value <= 1),
    restockIntervalMs: readNumber(env, 'POS_RESTOCK_INTERVAL_MS', 60_000, (value) => value > 0),
    ...(env.POS_LOG_FILE ? { logFile: env.POS_LOG_FILE } : {}),
  };
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, valid: (value: number) => boolean) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) {
    throw new ConfigError(`${name}=${raw} is not valid (default ${fallback})`);
  }
  return value;
}
