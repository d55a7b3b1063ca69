import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
/** GCM's full tag: a shorter one is far easier to forge, so only this length opens. */
const TAG_BYTES = 16;
/**
 * v2 binds the context (the site URL and e-mail a token belongs to) into the associated data.
 * v1 values bound only the setting's name, so rewriting the URL beside them sent the token
 * elsewhere: they are not opened any more, and the secret has to be entered again.
 */
const FORMAT = 'v2';
/** A random key has about 31 distinct bytes of 32; fewer than this is a pattern, not a key. */
const MIN_DISTINCT_BYTES = 16;
export const SECRET_KEY_FILE = 'secret.key';
const GENERATE = 'generate one with: openssl rand -base64 32';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export interface SecretKeySource {
  /** STACKLENS_SECRET_KEY: 32 bytes as 64 hex digits or base64. Receivers sharing a store must share it. */
  secretKey?: string;
  /** Where the key file is created (mode 0600) when no key is given. */
  dataDir: string;
}

/** What a sealed value is bound to: the setting's name and, for a credential, where it may be sent. */
export type SecretContext = Readonly<Record<string, string>>;

/**
 * Seals secrets (API tokens) with AES-256-GCM before they are stored. The associated data is the
 * setting's name and the secret's context — the site URL and e-mail a Jira token was entered
 * for, the endpoint of a model key — so a sealed value copied to another setting, or left beside
 * a URL someone rewrote in the store, does not open.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    checkKey(key, 'the secret key');
    this.#key = key;
  }

  /** The key from STACKLENS_SECRET_KEY, else from `<dataDir>/secret.key`, created on first start. */
  static fromSource(source: SecretKeySource): SecretBox {
    if (source.secretKey) return new SecretBox(parseKey(source.secretKey, 'STACKLENS_SECRET_KEY'));
    return new SecretBox(readOrCreateKeyFile(source.dataDir));
  }

  seal(plaintext: string, name: string, context: SecretContext = {}): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(name, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
  }

  /**
   * @throws SecretKeyError when the value was sealed under another key, for another name or
   * context, in the old format, with a cut tag, or was altered.
   */
  open(sealed: string, name: string, context: SecretContext = {}): string {
    const [format, iv, tag, ciphertext] = sealed.split('.');
    if (format === 'v1') {
      throw new SecretKeyError(`the saved ${name} secret was sealed without its site by an older version: enter it again`);
    }
    if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new SecretKeyError('a stored secret is not in the expected format');
    }
    const tagBytes = Buffer.from(tag, 'base64');
    if (tagBytes.length !== TAG_BYTES)
      throw new SecretKeyError(`a stored secret's tag is ${tagBytes.length} bytes, not ${TAG_BYTES}: refused`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(name, context));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(
        `the saved ${name} secret does not open: it was saved by a receiver with another STACKLENS_SECRET_KEY, ` +
          'or for another site, e-mail or endpoint than the one stored beside it — enter it again',
      );
    }
  }
}

// JSON of sorted entries: one byte string per (name, context), whatever the key order.
function associatedData(name: string, context: SecretContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([name, entries]), 'utf8');
}

/** Refuses a key that is not random: too few distinct bytes (all zero, a repeated pattern) or only printable text (a password). */
function checkKey(key: Buffer, what: string): void {
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`${what} must be ${KEY_BYTES} bytes, not ${key.length}: ${GENERATE}`);
  if (new Set(key).size < MIN_DISTINCT_BYTES) {
    throw new SecretKeyError(`${what} is not random (${new Set(key).size} distinct bytes of ${KEY_BYTES}): ${GENERATE}`);
  }
  if (key.every((byte) => byte >= 0x20 && byte < 0x7f)) {
    throw new SecretKeyError(`${what} is printable text, not random bytes (a password encoded as base64?): ${GENERATE}`);
  }
}

function parseKey(text: string, what: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(`${what} must be ${KEY_BYTES} bytes as 64 hex digits or base64: ${GENERATE}`);
  }
  checkKey(key, what);
  return key;
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': of several receivers starting on one folder, one creates the key and the others read it.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8');
  try {
    return parseKey(text, file);
  } catch (error) {
    throw new SecretKeyError(
      `${file} does not hold a ${KEY_BYTES}-byte key in base64; delete it only if no secret was saved with it (${(error as Error).message})`,
    );
  }
}
