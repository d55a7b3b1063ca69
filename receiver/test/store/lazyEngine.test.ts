import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closedPort } from '@stacklens/test-support/network';

const MIGRATIONS = fileURLToPath(new URL('../../src/migrations.ts', import.meta.url));

/** Opens a store in a fresh process and says whether chDB's native library got mapped into it. */
async function loadsEngine(config: object): Promise<boolean> {
  const script = `
    const { openStore } = await import(${JSON.stringify(MIGRATIONS)});
    const store = await openStore(${JSON.stringify(config)});
    const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
    process.stdout.write(String(/chdb/i.test(maps)));
    await store.close();
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
  return stdout.trim() === 'true';
}

describe('the embedded engine is loaded only when it is the store', () => {
  it('a receiver on a ClickHouse server never maps chDB; one on the embedded store does', async () => {
    const port = await closedPort();
    expect(
      await loadsEngine({
        kind: 'server',
        url: `http://127.0.0.1:${port}`,
        username: 'default',
        password: '',
        database: 'stacklens',
        retentionDays: 30,
      }),
    ).toBe(false);
    const dataDir = await mkdtemp(join(tmpdir(), 'stacklens-lazy-engine-'));
    try {
      expect(await loadsEngine({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 })).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
