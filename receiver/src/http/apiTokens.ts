import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Bearer tokens of the REST API and the live feed: viewers read, editors also act on incidents
 * (the token Grafana's app adds to incident actions), admins change everything.
 */
export interface ApiTokens {
  viewer: string;
  /** Absent when neither STACKLENS_EDITOR_TOKEN nor the tokens file has one: then incident actions need the admin token. */
  editor?: string;
  admin: string;
  /** Where they came from, for the start-up message. */
  source: 'environment' | 'file' | 'generated';
  file?: string;
}

export const TOKENS_FILE = 'api-tokens.json';
const MIN_TOKEN_LENGTH = 16;
/** The placeholders of .env.example (and of its earlier versions): never a working token. */
const PLACEHOLDER = /^(replace-me|change-me)/i;
export const GENERATE_TOKEN = 'generate one with: openssl rand -hex 24';

export class ApiTokensError extends Error {
  override name = 'ApiTokensError';
}

/**
 * STACKLENS_VIEWER_TOKEN, STACKLENS_EDITOR_TOKEN and STACKLENS_ADMIN_TOKEN when given; otherwise
 * the tokens generated on first start into the data folder (mode 0600), so a restart keeps them.
 * A tokens file from before the editor role has none: the role stays off until one is set.
 */
export function loadApiTokens(env: Record<string, string | undefined>, dataDir: string): ApiTokens {
  const fromEnv = { viewer: env.STACKLENS_VIEWER_TOKEN, editor: env.STACKLENS_EDITOR_TOKEN || undefined, admin: env.STACKLENS_ADMIN_TOKEN };
  if (fromEnv.viewer && fromEnv.admin) {
    const tokens = withoutUnset({ viewer: fromEnv.viewer, editor: fromEnv.editor, admin: fromEnv.admin });
    validate(tokens);
    return { ...tokens, source: 'environment' };
  }
  const file = join(dataDir, TOKENS_FILE);
  const { tokens: kept, created } = existsSync(file)
    ? { tokens: readTokensFile(file), created: false }
    : storeOnce(file, { viewer: newToken(), editor: newToken(), admin: newToken() });
  const tokens = withoutUnset({
    viewer: fromEnv.viewer || kept.viewer,
    editor: fromEnv.editor || kept.editor,
    admin: fromEnv.admin || kept.admin,
  });
  validate(tokens);
  return { ...tokens, source: created ? 'generated' : 'file', file };
}

function withoutUnset(tokens: StoredTokens): StoredTokens {
  return tokens.editor === undefined ? { viewer: tokens.viewer, admin: tokens.admin } : tokens;
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
  editor?: string;
  admin: string;
}

function readTokensFile(file: string): StoredTokens {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { viewer?: unknown; editor?: unknown; admin?: unknown };
    if (
      typeof parsed.viewer === 'string' &&
      typeof parsed.admin === 'string' &&
      (parsed.editor === undefined || typeof parsed.editor === 'string')
    ) {
      return withoutUnset({ viewer: parsed.viewer, editor: parsed.editor, admin: parsed.admin });
    }
  } catch {
    // reported below
  }
  throw new ApiTokensError(`${file}: expected {"viewer": "...", "editor": "...", "admin": "..."}; fix or delete it to generate new tokens`);
}

function validate(tokens: StoredTokens): void {
  for (const [role, token] of Object.entries(tokens)) {
    if (PLACEHOLDER.test(token)) {
      throw new ApiTokensError(`the ${role} token is the placeholder of .env.example, not a token: ${GENERATE_TOKEN}`);
    }
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ApiTokensError(`the ${role} token must have at least ${MIN_TOKEN_LENGTH} characters: ${GENERATE_TOKEN}`);
    }
  }
  const values = Object.values(tokens);
  if (new Set(values).size !== values.length) throw new ApiTokensError(`the ${Object.keys(tokens).join(', ')} tokens must differ`);
}
