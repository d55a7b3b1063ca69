import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiTokensError, loadApiTokens, TOKENS_FILE } from '../../src/http/apiTokens.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stacklens-tokens-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadApiTokens', () => {
  it('generates three different tokens on first start into a 0600 file, and keeps them across restarts', () => {
    const dir = dataDir();
    const first = loadApiTokens({}, dir);
    expect(first.source).toBe('generated');
    expect(new Set([first.viewer, first.editor, first.admin]).size).toBe(3);
    expect(first.viewer.length).toBeGreaterThanOrEqual(32);
    expect(first.editor!.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, TOKENS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ viewer: first.viewer, editor: first.editor, admin: first.admin });
    const again = loadApiTokens({}, dir);
    expect(again).toMatchObject({ source: 'file', viewer: first.viewer, editor: first.editor, admin: first.admin });
  });

  it('takes the editor token from the environment; a tokens file from before the editor role leaves the role off', () => {
    const env = {
      STACKLENS_VIEWER_TOKEN: 'viewer-token-0123456789',
      STACKLENS_EDITOR_TOKEN: 'editor-token-0123456789',
      STACKLENS_ADMIN_TOKEN: 'admin-token-0123456789',
    };
    expect(loadApiTokens(env, dataDir())).toMatchObject({ editor: 'editor-token-0123456789', source: 'environment' });
    expect(() => loadApiTokens({ ...env, STACKLENS_EDITOR_TOKEN: env.STACKLENS_VIEWER_TOKEN }, dataDir())).toThrow(/must differ/);
    expect(() => loadApiTokens({ ...env, STACKLENS_EDITOR_TOKEN: 'short' }, dataDir())).toThrow(/editor token must have at least 16/);
    const dir = dataDir();
    writeFileSync(join(dir, TOKENS_FILE), JSON.stringify({ viewer: 'old-viewer-0123456789', admin: 'old-admin-0123456789' }));
    const old = loadApiTokens({}, dir);
    expect(old).toMatchObject({ source: 'file', viewer: 'old-viewer-0123456789', admin: 'old-admin-0123456789' });
    expect(old).not.toHaveProperty('editor');
    expect(loadApiTokens({ STACKLENS_EDITOR_TOKEN: 'editor-token-0123456789' }, dir)).toMatchObject({ editor: 'editor-token-0123456789' });
  });

  it('prefers the environment and writes nothing when both tokens are given', () => {
    const dir = dataDir();
    const tokens = loadApiTokens(
      { STACKLENS_VIEWER_TOKEN: 'viewer-token-0123456789', STACKLENS_ADMIN_TOKEN: 'admin-token-0123456789' },
      dir,
    );
    expect(tokens).toEqual({ viewer: 'viewer-token-0123456789', admin: 'admin-token-0123456789', source: 'environment' });
    expect(() => statSync(join(dir, TOKENS_FILE))).toThrow();
  });

  it('refuses short or identical tokens and a corrupt file, naming the problem', () => {
    expect(() => loadApiTokens({ STACKLENS_VIEWER_TOKEN: 'short', STACKLENS_ADMIN_TOKEN: 'admin-token-0123456789' }, dataDir())).toThrow(
      /viewer token must have at least 16 characters/,
    );
    const same = 'same-token-0123456789';
    expect(() => loadApiTokens({ STACKLENS_VIEWER_TOKEN: same, STACKLENS_ADMIN_TOKEN: same }, dataDir())).toThrow(/must differ/);
    const dir = dataDir();
    writeFileSync(join(dir, TOKENS_FILE), '{"viewer": 1}');
    expect(() => loadApiTokens({}, dir)).toThrow(ApiTokensError);
    expect(() => loadApiTokens({}, dir)).toThrow(/fix or delete it/);
  });

  it('takes one token from the environment and the other from the file', () => {
    const dir = dataDir();
    const tokens = loadApiTokens({ STACKLENS_ADMIN_TOKEN: 'admin-token-0123456789' }, dir);
    const stored = JSON.parse(readFileSync(join(dir, TOKENS_FILE), 'utf8')) as { viewer: string; admin: string };
    expect(tokens).toMatchObject({ source: 'generated', viewer: stored.viewer, admin: 'admin-token-0123456789' });
  });

  it('receivers starting at once on one folder agree on one set of tokens', async () => {
    const dir = dataDir();
    const module = new URL('../../src/http/apiTokens.ts', import.meta.url).href;
    const script = `import { loadApiTokens } from ${JSON.stringify(module)};
const t = loadApiTokens({}, ${JSON.stringify(dir)});
console.log(JSON.stringify({ viewer: t.viewer, admin: t.admin, source: t.source }));`;
    const runs = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    const results = runs.map((out) => JSON.parse(out) as { viewer: string; admin: string; source: string });
    expect(new Set(results.map((r) => `${r.viewer}/${r.admin}`)).size).toBe(1);
    expect(results.filter((r) => r.source === 'generated')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([TOKENS_FILE]);
  });
});
