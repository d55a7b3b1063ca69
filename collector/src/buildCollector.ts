import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { checkGo } from './goToolchain.ts';
import { BINARY_PATH, MANIFEST_PATH } from './paths.ts';

/** The OpenTelemetry Collector Builder, pinned to the release train of the manifest's components. */
export const BUILDER_PACKAGE = 'go.opentelemetry.io/collector/cmd/builder';
export const BUILDER_VERSION = 'v0.165.0';

export class CollectorBuildError extends Error {
  override name = 'CollectorBuildError';
}

export interface BuildOptions {
  manifestPath?: string;
  /** Where the manifest's dist.output_path and dist.name put the binary. */
  binaryPath?: string;
  /** Build even when the binary was built from this very manifest, builder and Go. */
  force?: boolean;
  /** The environment of `go` (GOMODCACHE/GOCACHE decide which caches a rebuild reuses). */
  env?: NodeJS.ProcessEnv;
  go?: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  binaryPath: string;
  goVersion: string;
  /** false: the binary was already up to date and nothing ran. */
  built: boolean;
}

/**
 * Builds our Collector distribution from source with the Collector Builder
 * (`go run <builder>@<version> --config <manifest>`): nothing prebuilt is
 * downloaded, only Go modules from the module proxy. A stamp beside the binary
 * (the manifest's, the builder's and Go's versions) skips a build that would
 * produce the same binary again.
 */
export async function buildCollector(options: BuildOptions = {}): Promise<BuildResult> {
  const manifestPath = options.manifestPath ?? MANIFEST_PATH;
  const binaryPath = options.binaryPath ?? BINARY_PATH;
  const env = options.env ?? process.env;
  const go = options.go ?? 'go';
  const log = options.log ?? ((line: string) => console.log(line));

  const goVersion = await checkGo(env, go);
  const stampPath = join(dirname(binaryPath), '.build-stamp');
  const stamp = buildStamp(readFileSync(manifestPath, 'utf8'), goVersion);
  if (!options.force && existsSync(binaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    log(`${binaryPath} is up to date (same manifest, builder ${BUILDER_VERSION}, Go ${goVersion}); --force rebuilds it`);
    return { binaryPath, goVersion, built: false };
  }

  log(`building the Collector with ${BUILDER_PACKAGE}@${BUILDER_VERSION} on Go ${goVersion} (a few minutes the first time)`);
  await runBuilder(go, manifestPath, env, log);
  if (!existsSync(binaryPath)) {
    throw new CollectorBuildError(
      `the builder finished but ${binaryPath} is missing: check dist.output_path and dist.name in ${manifestPath}`,
    );
  }
  writeFileSync(stampPath, stamp);
  return { binaryPath, goVersion, built: true };
}

export function buildStamp(manifest: string, goVersion: string): string {
  const digest = createHash('sha256').update(manifest).digest('hex');
  return `manifest sha256:${digest} builder ${BUILDER_VERSION} go ${goVersion}\n`;
}

async function runBuilder(go: string, manifestPath: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  // The manifest's output_path is relative to it, so the builder runs beside it.
  const child = spawn(go, ['run', `${BUILDER_PACKAGE}@${BUILDER_VERSION}`, '--config', manifestPath], {
    cwd: dirname(manifestPath),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    });
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new CollectorBuildError(`the Collector Builder failed (exit ${code}):\n${tail.join('\n')}`);
  }
}
