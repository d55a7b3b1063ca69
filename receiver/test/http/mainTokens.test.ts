import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TOKENS_FILE } from '../../src/http/apiTokens.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stacklens-main-tokens-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts the receiver process, waits for the API line and the token lines, then stops it; returns its whole output. */
async function startAndStop(env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, RECEIVER_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  // Read stderr too: a child blocked on a full stderr pipe (the engine's own messages) stalls.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' comes once the output streams are drained too, unlike 'exit'.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/StackLens API at .*\n(?:.*\n)*.*(?:mode 0600|STACKLENS_ADMIN_TOKEN)/.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stdout}`)));
  });
  child.kill('SIGTERM');
  const code = await exited;
  return { stdout, stderr, code };
}

describe('npm start prints the API tokens', () => {
  it('prints generated tokens once, on stdout and outside the structured log, and the same ones after a restart', async () => {
    const dataDir = tempDir();
    const first = await startAndStop({ STACKLENS_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    const stored = JSON.parse(readFileSync(join(dataDir, TOKENS_FILE), 'utf8')) as { viewer: string; admin: string };
    expect(first.stdout).toContain(`viewer token (read):   ${stored.viewer}`);
    expect(first.stdout).toContain(`admin token (change):  ${stored.admin}`);
    expect(first.stdout).toContain(`generated into ${join(dataDir, TOKENS_FILE)} (mode 0600)`);
    expect(first.stdout).toMatch(/StackLens API at http:\/\/127\.0\.0\.1:\d+\/api \(OpenAPI document: .*\/api\/docs\/json\)/);
    // The structured log (JSON lines) never carries a token.
    const logLines = first.stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length, `${first.stdout}\n${first.stderr}`).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toContain(stored.viewer);
      expect(line).not.toContain(stored.admin);
    }

    const again = await startAndStop({ STACKLENS_DATA_DIR: dataDir });
    expect(again.stdout).toContain(stored.viewer);
    expect(again.stdout).toContain(`read from ${join(dataDir, TOKENS_FILE)}`);
  });

  it('never prints tokens that came from the environment', async () => {
    const viewer = 'viewer-from-environment-123';
    const admin = 'admin-from-environment-456';
    const result = await startAndStop({ STACKLENS_DATA_DIR: tempDir(), STACKLENS_VIEWER_TOKEN: viewer, STACKLENS_ADMIN_TOKEN: admin });
    expect(result.stdout).toContain('tokens: from STACKLENS_VIEWER_TOKEN and STACKLENS_ADMIN_TOKEN');
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(viewer);
      expect(output).not.toContain(admin);
    }
  });

  it('a bad rules file stops the start with a clear message', () => {
    const dir = tempDir();
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      'rules:\n  - id: x\n    match: { errorCode: X }\n    errorType: X\n    severity: HIGH\n    ticket: { mode: sometimes }\n',
    );
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, RECEIVER_PORT: '0', STACKLENS_DATA_DIR: dir, STACKLENS_RULES_FILE: rules },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/StackLens receiver failed to start: detection rules error: rules\.yaml: rules\[0\]\.ticket/);
  });
});
