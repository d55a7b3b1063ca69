import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCollector, buildStamp, CollectorBuildError } from '../src/buildCollector.ts';
import { checkGo, compareVersions, GoToolchainError, MINIMUM_GO, parseGoVersion } from '../src/goToolchain.ts';
import { MANIFEST_PATH } from '../src/paths.ts';
import { scratchDir } from './support/pipeline.ts';

const scratch = scratchDir('build');
afterAll(() => scratch.remove());

/** A stand-in `go` for the paths a real toolchain rarely takes: a shell script with the given body. */
function fakeGo(name: string, body: string): string {
  const path = join(scratch.dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function realGo(): boolean {
  try {
    execFileSync('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe('Go version checks', () => {
  it('reads the version from `go version`', () => {
    expect(parseGoVersion('go version go1.26.8 linux/amd64')).toBe('1.26.8');
    expect(parseGoVersion('go version go1.27 darwin/arm64')).toBe('1.27');
    expect(parseGoVersion('command not found')).toBeUndefined();
  });

  it('compares dotted versions numerically', () => {
    expect(compareVersions('1.26.8', MINIMUM_GO)).toBeGreaterThan(0);
    expect(compareVersions('1.26', '1.26.0')).toBe(0);
    expect(compareVersions('1.9.1', '1.26.0')).toBeLessThan(0);
  });

  it('says how to go on when Go is missing', async () => {
    await expect(checkGo({ PATH: scratch.dir })).rejects.toThrow(GoToolchainError);
    await expect(checkGo({ PATH: scratch.dir })).rejects.toThrow(
      /Go 1\.26\.0 or newer is needed to build the Collector.*ENOENT.*npm start -- --direct/s,
    );
  });

  it('refuses a Go that is too old, or something that is not Go', async () => {
    await expect(checkGo({}, fakeGo('old-go', 'echo "go version go1.22.3 linux/amd64"'))).rejects.toThrow(
      'Go 1.22.3 is too old to build the Collector: the pinned components need Go 1.26.0 or newer.',
    );
    await expect(checkGo({}, fakeGo('not-go', 'echo "hello"'))).rejects.toThrow('printed "hello": not a Go version');
  });

  it.runIf(realGo())('accepts the Go on the PATH', async () => {
    expect(compareVersions(await checkGo(), MINIMUM_GO)).toBeGreaterThanOrEqual(0);
  });
});

describe('buildCollector', () => {
  const manifest = readFileSync(MANIFEST_PATH, 'utf8');
  const GO_126 = 'echo "go version go1.26.8 linux/amd64"; exit 0';

  function workspace(name: string): { manifestPath: string; binaryPath: string } {
    const dir = join(scratch.dir, name);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'builder-config.yaml'), manifest);
    return { manifestPath: join(dir, 'builder-config.yaml'), binaryPath: join(dir, 'dist', 'otelcol-stacklens') };
  }

  it('runs the pinned builder on the manifest and stamps the binary it made', async () => {
    const paths = workspace('builds');
    const args = join(scratch.dir, 'builder-args');
    const go = fakeGo(
      'go-builds',
      `if [ "$1" = version ]; then ${GO_126}; fi\necho "$@" > ${args}\npwd >> ${args}\ntouch dist/otelcol-stacklens`,
    );
    const lines: string[] = [];
    const result = await buildCollector({ ...paths, go, log: (line) => lines.push(line) });
    expect(result).toEqual({ binaryPath: paths.binaryPath, goVersion: '1.26.8', built: true });
    expect(readFileSync(args, 'utf8')).toBe(
      `run go.opentelemetry.io/collector/cmd/builder@v0.165.0 --config ${paths.manifestPath}\n${join(scratch.dir, 'builds')}\n`,
    );
    expect(readFileSync(join(scratch.dir, 'builds', 'dist', '.build-stamp'), 'utf8')).toBe(buildStamp(manifest, '1.26.8'));

    // The same manifest, builder and Go again: nothing to do — unless forced.
    const again = await buildCollector({ ...paths, go, log: (line) => lines.push(line) });
    expect(again.built).toBe(false);
    expect(lines.at(-1)).toContain('is up to date');
    expect((await buildCollector({ ...paths, go, force: true, log: () => undefined })).built).toBe(true);
  });

  it('rebuilds when the manifest changed', async () => {
    const paths = workspace('changed');
    writeFileSync(paths.binaryPath, '');
    writeFileSync(join(scratch.dir, 'changed', 'dist', '.build-stamp'), buildStamp(`${manifest}# edited\n`, '1.26.8'));
    const go = fakeGo('go-rebuilds', `if [ "$1" = version ]; then ${GO_126}; fi\necho rebuilt > dist/otelcol-stacklens`);
    expect((await buildCollector({ ...paths, go, log: () => undefined })).built).toBe(true);
    expect(readFileSync(paths.binaryPath, 'utf8')).toBe('rebuilt\n');
  });

  it('reports the builder’s last lines when it fails, and a missing binary when it does not make one', async () => {
    const paths = workspace('fails');
    const failing = fakeGo('go-fails', `if [ "$1" = version ]; then ${GO_126}; fi\necho "go: module not found" >&2\nexit 1`);
    const error = await buildCollector({ ...paths, go: failing, log: () => undefined }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CollectorBuildError);
    expect((error as Error).message).toBe('the Collector Builder failed (exit 1):\ngo: module not found');

    const silent = fakeGo('go-silent', `if [ "$1" = version ]; then ${GO_126}; fi\nexit 0`);
    await expect(buildCollector({ ...paths, go: silent, log: () => undefined })).rejects.toThrow(/finished but .* is missing/);
    expect(existsSync(join(scratch.dir, 'fails', 'dist', '.build-stamp'))).toBe(false);
  });

  it.runIf(realGo())('passes the real builder’s own complaint about a broken manifest on', async () => {
    const paths = workspace('broken');
    writeFileSync(paths.manifestPath, `${manifest}\nreceivers:\n  - import: example.com/no/gomod\n`);
    await expect(buildCollector({ ...paths, log: () => undefined })).rejects.toThrow(CollectorBuildError);
  });
});
