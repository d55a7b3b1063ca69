import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  if (fromEnv.viewer && fromEnv.admin) {
    const tokens = { viewer: fromEnv.viewer, admin: fromEnv.admin };
    validate(tokens);
    return { ...tokens, source: 'environment' };
  }
  const file = join(dataDir, TOKENS_FILE);
  const { tokens: kept, created } = existsSync(file)
    ? { tokens: readTokensFile(file), created: false }
    : storeOnce(file, { viewer: newToken(), admin: newToken() });
  const tokens = { viewer: fromEnv.viewer || kept.viewer, admin: fromEnv.admin || kept.admin };
  validate(tokens);
  return { ...tokens, source: created ? 'generated' : 'file', file };
}

/**
 * Writes the tokens file unless it exists, atomically: a complete temporary
 * file is hard-linked into place, so two receivers starting on one folder
 * agree on the first one's tokens and nobody reads a half-written file.
 */
function storeOnce(file: string, tokens: StoredTokens): { tokens: StoredTokens; created: boolean } {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  try {
    chmodSync(temporary, 0o600); // whatever the umask
    linkSync(temporary, file);
    return { tokens, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { tokens: readTokensFile(file), created: false };
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

interface StoredTokens {
  viewer: string;
  admin: string;
}

function readTokensFile(file: string): StoredTokens {
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
