import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGo } from './goToolchain.ts';
import { COLLECTOR_DIR } from './paths.ts';

/** The exporter whose table and rows the receiver reproduces, at the release train of our Collector. */
export const EXPORTER_MODULE = 'github.com/open-telemetry/opentelemetry-collector-contrib/exporter/clickhouseexporter';
export const EXPORTER_VERSION = 'v0.165.0';
/** Our test file, put into the exporter's package so that it can call the exporter's unexported code. */
export const ORACLE_TEST_FILE = `${COLLECTOR_DIR}oracle/stacklens_oracle_test.go`;

/**
 * One row as the exporter appends it to its insert batch, in the insert's column order:
 * the time in nanoseconds since the epoch (decimal text), strings as hex of their bytes,
 * maps as [key, value] pairs of hex in the order the driver sends them, UInt8s as numbers.
 */
export type OracleValue = string | number | Array<[string, string]>;
export type OracleRow = OracleValue[];

export interface OracleResult {
  columns: string[];
  /** The rows of each corpus file (`name.pb` → `name`), in append order. */
  files: Record<string, OracleRow[]>;
  /** The exporter's CREATE TABLE for database `oracle` with a 30-day TTL: `text` indexes (ClickHouse 26.2+) and the `bloom` variant. */
  ddl: { text: string; bloom: string };
}

export class ExporterOracleError extends Error {
  override name = 'ExporterOracleError';
}

export interface OracleOptions {
  /** The environment of `go` (GOMODCACHE, GOCACHE, GOPROXY, GOFLAGS). */
  env?: NodeJS.ProcessEnv;
  go?: string;
}

/**
 * Runs the contrib clickhouseexporter's own row building over a folder of OTLP
 * protobuf requests (`*.pb`, ExportLogsServiceRequest) and returns its rows and DDL.
 *
 * The exporter's code is not part of this repository: its module is fetched into
 * the Go module cache through the module proxy (`go mod download`), copied to a
 * temporary folder without its own tests, and our test file is added to its
 * package. Its go.mod's `replace` directives point into the contrib repository's
 * tree, so they are dropped: the required versions then come from the proxy, as
 * they do for a Collector built with this exporter.
 */
export async function runExporterOracle(corpusDir: string, options: OracleOptions = {}): Promise<OracleResult> {
  const env = options.env ?? process.env;
  const go = options.go ?? 'go';
  await checkGo(env, go);
  const work = mkdtempSync(join(tmpdir(), 'stacklens-oracle-'));
  try {
    const download = JSON.parse(await run(go, ['mod', 'download', '-json', `${EXPORTER_MODULE}@${EXPORTER_VERSION}`], work, env)) as {
      Dir?: string;
      Error?: string;
    };
    if (!download.Dir)
      throw new ExporterOracleError(`go mod download ${EXPORTER_MODULE}@${EXPORTER_VERSION}: ${download.Error ?? 'no folder'}`);
    const module = join(work, 'module');
    copyModule(download.Dir, module);
    copyFileSync(ORACLE_TEST_FILE, join(module, 'stacklens_oracle_test.go'));
    const edit = JSON.parse(await run(go, ['mod', 'edit', '-json'], module, env)) as { Replace?: Array<{ Old: { Path: string } }> };
    const replaces = (edit.Replace ?? []).map((replace) => `-dropreplace=${replace.Old.Path}`);
    if (replaces.length > 0) await run(go, ['mod', 'edit', ...replaces], module, env);
    const out = join(work, 'oracle.json');
    await run(go, ['test', '-mod=mod', '-count=1', '-run', '^TestStackLensOracle$', '.'], module, {
      ...env,
      STACKLENS_ORACLE_CORPUS: corpusDir,
      STACKLENS_ORACLE_OUT: out,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as OracleResult;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Copies the module's sources, writable (the module cache is read-only), leaving out its
 * tests, test data and example: they need modules only the contrib tree provides.
 */
function copyModule(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testdata' && entry.name !== 'example') copyModule(source, join(to, entry.name));
    } else if (entry.isFile() && !entry.name.endsWith('_test.go')) {
      writeFileSync(join(to, entry.name), readFileSync(source), { mode: 0o644 });
    }
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new ExporterOracleError(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolve(stdout);
    });
  });
}
