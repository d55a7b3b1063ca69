import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bearer tokens of the REST API and the live feed: viewers read, admins change. */
export interface ApiTokens {
  viewer: string;
  admin: string;
  /** Where they came from, for the start-up message. */
  source: 'environment' | 'file' | 'generated';
  file?: string;
}

export const TOKENS_FILE = 'api-tokens.json';
const MIN_TOKEN_LENGTH = 16;

export class ApiTokensError extends Error {
  override name = 'ApiTokensError';
}

/**
 * STACKLENS_VIEWER_TOKEN and STACKLENS_ADMIN_TOKEN when given; otherwise the
 * tokens generated on first start into the data folder (mode 0600), so a
 * restart keeps them.
 */
export function loadApiTokens(env: Record<string, string | undefined>, dataDir: string): ApiTokens {
  const fromEnv = { viewer: env.STACKLENS_VIEWER_TOKEN, admin: env.STACKLENS_ADMIN_TOKEN };
  const file = join(dataDir, TOKENS_FILE);
  const stored = existsSync(file) ? readTokensFile(file) : undefined;
  const generated = stored ?? { viewer: newToken(), admin: newToken() };
  const tokens = { viewer: fromEnv.viewer || generated.viewer, admin: fromEnv.admin || generated.admin };
  validate(tokens);
  if (fromEnv.viewer && fromEnv.admin) return { ...tokens, source: 'environment' };
  if (!stored) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { ...tokens, source: 'generated', file };
  }
  return { ...tokens, source: 'file', file };
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function readTokensFile(file: string): { viewer: string; admin: string } {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { viewer?: unknown; admin?: unknown };
    if (typeof parsed.viewer === 'string' && typeof parsed.admin === 'string') {
      return { viewer: parsed.viewer, admin: parsed.admin };
    }
  } catch {
    // reported below
  }
  throw new ApiTokensError(`${file}: expected {"viewer": "...", "admin": "..."}; fix or delete it to generate new tokens`);
}

function validate(tokens: { viewer: string; admin: string }): void {
  for (const [role, token] of Object.entries(tokens)) {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ApiTokensError(`the ${role} token must have at least ${MIN_TOKEN_LENGTH} characters`);
    }
  }
  if (tokens.viewer === tokens.admin) throw new ApiTokensError('the viewer and admin tokens must differ');
}
