import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files of the data folder that hold secrets (the API tokens, the key that seals the others). */
export const SECRET_FILES = ['api-tokens.json', 'secret.key'] as const;

/**
 * The receiver's data folder readable by its own user only (0700), and its secret files 0600,
 * re-applied at every start: a restore from a backup, a copy or an umask must not leave the
 * tokens, the key or the embedded store open to other users of the machine.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of SECRET_FILES) {
    const file = join(dataDir, name);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}
