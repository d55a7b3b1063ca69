import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/migrations.ts';
import { protobufBody, sdkRecords } from './support/otlpRequests.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'stacklens-main-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the receiver process', () => {
  it('on SIGTERM answers the requests in flight and stores every acknowledged record', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, RECEIVER_PORT: '0', STACKLENS_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /OTLP\/HTTP logs at (http:\/\/[^/\s]+)/.exec(line);
        if (match) resolve(match[1]!);
      });
    });

    const sends = Array.from({ length: 20 }, (_, i) =>
      fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: protobufBody(sdkRecords(50, `shutdown-${i}`)),
      }).then(
        (response) => response.status,
        () => 0,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGTERM');
    const statuses = await Promise.all(sends);
    expect(await exited).toBe(0);

    const acknowledged = statuses.filter((status) => status === 200).length * 50;
    expect(acknowledged).toBeGreaterThan(0);
    const store = await openStore({ kind: 'chdb', dataDir, database: 'stacklens', retentionDays: 30 });
    try {
      expect(await store.countLogs()).toBeGreaterThanOrEqual(acknowledged);
    } finally {
      await store.close();
    }
  });

  it('refuses a bad setting with a message naming it', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, RECEIVER_PORT: 'not-a-port' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/configuration error: RECEIVER_PORT="not-a-port"/);
  });
});
