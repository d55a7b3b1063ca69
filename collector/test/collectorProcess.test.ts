import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLECTOR_GOGC, startCollector } from '../src/CollectorProcess.ts';
import { freePort } from '@stacklens/test-support/network';

// The failures of starting a Collector, which need no Collector binary; the
// end-to-end tests in e2e/ start the real one.
const dir = mkdtempSync(join(tmpdir(), 'collector-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startCollector', () => {
  it('says so when the binary cannot be run', async () => {
    await expect(startCollector({ binaryPath: '/nonexistent/otelcol-stacklens' })).rejects.toThrow(
      'the Collector could not be started (/nonexistent/otelcol-stacklens): spawn /nonexistent/otelcol-stacklens ENOENT',
    );
  });

  it('reports the last lines of a Collector that exits before it is healthy', async () => {
    // `sh --config …` fails at once with a message of its own, as a Collector refusing its configuration does.
    await expect(startCollector({ binaryPath: '/bin/sh', env: { COLLECTOR_HEALTH_PORT: String(await freePort()) } })).rejects.toThrow(
      /the Collector exited \(2\) before it was healthy; its last lines:\n.*--/s,
    );
  });

  it('gives the Collector GOGC=400 unless the environment sets its own', async () => {
    const seen = join(dir, 'gogc');
    const probe = join(dir, 'print-gogc');
    // Writes the GOGC it was started with, then exits as a Collector refusing its configuration would.
    writeFileSync(probe, `#!/bin/sh\nprintf '%s' "$GOGC" > '${seen}'\nexit 1\n`);
    chmodSync(probe, 0o755);
    const health = String(await freePort());
    await expect(startCollector({ binaryPath: probe, env: { COLLECTOR_HEALTH_PORT: health } })).rejects.toThrow(/exited/);
    expect(readFileSync(seen, 'utf8')).toBe(COLLECTOR_GOGC);
    expect(COLLECTOR_GOGC).toBe('400');
    await expect(startCollector({ binaryPath: probe, env: { COLLECTOR_HEALTH_PORT: health, GOGC: '150' } })).rejects.toThrow(/exited/);
    expect(readFileSync(seen, 'utf8')).toBe('150');
  });

  it('gives up on a Collector that never answers its health check, and kills it', async () => {
    const silent = join(dir, 'never-healthy');
    writeFileSync(silent, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(silent, 0o755);
    const started = startCollector({
      binaryPath: silent,
      env: { COLLECTOR_HEALTH_PORT: String(await freePort()) },
      startTimeoutMs: 1_000,
    });
    await expect(started).rejects.toThrow(/did not answer at http:\/\/127\.0\.0\.1:\d+\/ within 1 s/);
  });
});
