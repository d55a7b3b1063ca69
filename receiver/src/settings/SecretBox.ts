import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = 'v1';
export const SECRET_KEY_FILE = 'secret.key';

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export interface SecretKeySource {
  /** STACKLENS_SECRET_KEY: 32 bytes as 64 hex digits or base64. Receivers sharing a store must share it. */
  secretKey?: string;
  /** Where the key file is created (mode 0600) when no key is given. */
  dataDir: string;
}

/**
 * Seals secrets (API tokens) with AES-256-GCM before they are stored. The
 * name a secret belongs to is bound as associated data, so a sealed value
 * copied to another setting does not open.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`the secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = key;
  }

  /** The key from STACKLENS_SECRET_KEY, else from `<dataDir>/secret.key`, created on first start. */
  static fromSource(source: SecretKeySource): SecretBox {
    if (source.secretKey) return new SecretBox(parseKey(source.secretKey));
    return new SecretBox(readOrCreateKeyFile(source.dataDir));
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
  }

  /** @throws SecretKeyError when the value was sealed under another key or for another name, or was altered. */
  open(sealed: string, associatedData: string): string {
    const [format, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new SecretKeyError('a stored secret is not in the expected format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(
        'a stored secret does not open with this key: was it saved by a receiver with another STACKLENS_SECRET_KEY?',
      );
    }
  }
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `STACKLENS_SECRET_KEY must be ${KEY_BYTES} bytes as 64 hex digits or base64 (for instance: openssl rand -base64 32)`,
    );
  }
  return key;
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': of several receivers starting on one folder, one creates the key and the others read it.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8');
  try {
    return parseKey(text);
  } catch {
    throw new SecretKeyError(`${file} does not hold a ${KEY_BYTES}-byte key in base64; delete it only if no secret was saved with it`);
  }
}
