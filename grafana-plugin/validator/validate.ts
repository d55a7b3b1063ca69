/**
 * `npm run validate`: grafana/plugin-validator (the checks Grafana runs before it accepts a plugin
 * into its catalog) built from source with Go and run on dist/ packed as Grafana wants it, a zip
 * holding one folder named after the plugin id. Exits 1 on any error-level finding, 3 when the
 * validator's source cannot be had (nothing was checked then).
 *
 * The source comes from PLUGIN_VALIDATOR_SRC (a checkout of github.com/grafana/plugin-validator)
 * or from the Go module proxy (`go mod download`). It is built with `go build -overlay`, which
 * leaves the source untouched and drops, from the list of analysers the command runs, those that
 * need the network (SKIPPED below, each with why); `metadataschema`, which downloads Grafana's
 * plugin.json schema from GitHub, reads the copy in test/fixtures instead (same document).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PLUGIN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = 'github.com/grafana/plugin-validator';
/** The release read and tried (0.45.6). */
export const VERSION = 'v0.45.6';
export const EXIT_UNAVAILABLE = 3;

/** Analysers left out, by package name, and why. */
export const SKIPPED: Record<string, string> = {
  osvscanner: 'queries osv.dev; its dependencies deps.dev/util/maven and github.com/micromdm/plist are not served by the Go module proxy',
  codediff: 'downloads the published version from grafana.com (and imports osvscanner)',
  llmreview: 'asks an LLM service (and imports osvscanner)',
  brokenlinks: 'requests every link of the README',
  circulardependencies: 'reads plugin dependencies from grafana.com',
  legacyplatform: 'downloads Angular detection patterns from grafana.com (an unreachable host aborts the whole run)',
  org: 'checks the org slug with grafana.com (an unreachable host aborts the whole run)',
  plugindocs: 'runs a docs checker through npx',
  provenance: 'asks GitHub for build attestations',
  published: 'asks grafana.com whether the plugin is published (still run, offline, as a dependency of manifest and version)',
  reactcompat: 'runs @grafana/react-detect through npx',
  safelinks: 'asks Google Web Risk about links',
  signature: 'downloads signing keys from grafana.com (the archive is unsigned: signing needs a Grafana Cloud token)',
  sdkusage: 'asks GitHub for the latest Go SDK (backend plugins only)',
};

export interface Finding {
  analyzer: string;
  severity: string;
  title: string;
  detail: string;
}

export type Outcome = { kind: 'unavailable'; reason: string } | { kind: 'checked'; findings: Finding[]; skipped: string[] };

function validatorSource(): { dir: string } | { reason: string } {
  const fromEnv = process.env.PLUGIN_VALIDATOR_SRC;
  if (fromEnv) {
    const goMod = join(fromEnv, 'go.mod');
    if (existsSync(goMod) && readFileSync(goMod, 'utf8').startsWith(`module ${MODULE}`)) return { dir: fromEnv };
    return { reason: `PLUGIN_VALIDATOR_SRC=${fromEnv} is not a checkout of ${MODULE}` };
  }
  const download = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], { encoding: 'utf8', timeout: 300_000 });
  if (download.error) return { reason: `go is not available: ${download.error.message}` };
  try {
    const answer = JSON.parse(download.stdout) as { Dir?: string; Error?: string };
    if (answer.Dir) return { dir: answer.Dir };
    return { reason: `the Go module proxy did not serve ${MODULE}@${VERSION}: ${answer.Error ?? download.stderr.trim()}` };
  } catch {
    return { reason: `go mod download failed: ${download.stderr.trim()}` };
  }
}

/** go build with an overlay: the analysers' list without SKIPPED, the schema read from a file. */
function build(source: string): string {
  const analysisGo = join(source, 'pkg/analysis/passes/analysis.go');
  const skipped = Object.keys(SKIPPED).join('|');
  const kept = readFileSync(analysisGo, 'utf8')
    .split('\n')
    .filter((line) => !new RegExp(`passes/(${skipped})"|\\b(${skipped})\\.Analyzer\\b`).test(line))
    .join('\n');
  const key = createHash('sha256')
    .update(readFileSync(join(source, 'go.sum')))
    .update(kept)
    .digest('hex')
    .slice(0, 16);
  const cache = join(PLUGIN_ROOT, 'node_modules/.cache/plugincheck2', key);
  const binary = join(cache, 'plugincheck2');
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'analysis.go'), kept);
  writeFileSync(
    join(cache, 'metadataschema.go'),
    [
      'package metadataschema',
      '',
      'import (',
      '\t"os"',
      '',
      '\t"github.com/grafana/plugin-validator/pkg/analysis"',
      ')',
      '',
      "// Analyzer yields Grafana's plugin.json schema from the file PLUGIN_SCHEMA_FILE names, instead of GitHub.",
      'var Analyzer = &analysis.Analyzer{Name: "metadataschema", Run: run}',
      '',
      'func run(_ *analysis.Pass) (interface{}, error) {',
      '\treturn os.ReadFile(os.Getenv("PLUGIN_SCHEMA_FILE"))',
      '}',
      '',
    ].join('\n'),
  );
  const overlay = {
    Replace: {
      [analysisGo]: join(cache, 'analysis.go'),
      [join(source, 'pkg/analysis/passes/metadataschema/metadataschema.go')]: join(cache, 'metadataschema.go'),
    },
  };
  writeFileSync(join(cache, 'overlay.json'), JSON.stringify(overlay));
  execFileSync('go', ['build', '-overlay', join(cache, 'overlay.json'), '-o', binary, './pkg/cmd/plugincheck2'], {
    cwd: source,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 900_000,
  });
  return binary;
}

/** dist/ as the archive Grafana takes: <id>-<version>.zip holding <id>/… */
function pack(distDir: string, workDir: string): string {
  const { id, info } = JSON.parse(readFileSync(join(distDir, 'plugin.json'), 'utf8')) as { id: string; info: { version: string } };
  cpSync(distDir, join(workDir, id), { recursive: true });
  const zip = join(workDir, `${id}-${info.version}.zip`);
  execFileSync('zip', ['-qr', zip, id], { cwd: workDir });
  return zip;
}

export function validate(distDir = join(PLUGIN_ROOT, 'dist')): Outcome {
  if (!existsSync(join(distDir, 'plugin.json'))) throw new Error(`${distDir} has no plugin.json: run npm run build first`);
  const source = validatorSource();
  if ('reason' in source) return { kind: 'unavailable', reason: source.reason };
  const binary = build(source.dir);
  const workDir = mkdtempSync(join(tmpdir(), 'plugincheck-'));
  try {
    const zip = pack(distDir, workDir);
    const run = spawnSync(
      binary,
      ['-config', join(PLUGIN_ROOT, 'validator/plugincheck.yaml'), '-sourceCodeUri', pathToFileURL(PLUGIN_ROOT).href, zip],
      {
        encoding: 'utf8',
        env: { ...process.env, PLUGIN_SCHEMA_FILE: join(PLUGIN_ROOT, 'test/fixtures/plugin.schema.json') },
        timeout: 300_000,
      },
    );
    if (run.status !== 0 && run.stdout.trim() === '') throw new Error(`plugincheck2 failed (${run.status}): ${run.stderr}`);
    const report = JSON.parse(run.stdout) as {
      'plugin-validator': Record<string, Array<{ Severity: string; Title: string; Detail: string }>>;
    };
    const findings = Object.entries(report['plugin-validator']).flatMap(([analyzer, entries]) =>
      entries.map((entry) => ({ analyzer, severity: entry.Severity, title: entry.Title, detail: entry.Detail })),
    );
    return { kind: 'checked', findings, skipped: Object.keys(SKIPPED) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = validate();
  if (outcome.kind === 'unavailable') {
    console.error(`plugin-validator unavailable, nothing was checked: ${outcome.reason}`);
    console.error('Set PLUGIN_VALIDATOR_SRC to a checkout of github.com/grafana/plugin-validator to run it.');
    process.exit(EXIT_UNAVAILABLE);
  }
  for (const finding of outcome.findings) console.log(`${finding.severity.padEnd(14)} ${finding.analyzer}: ${finding.title}`);
  console.log(`skipped (need the network): ${outcome.skipped.join(', ')}`);
  const errors = outcome.findings.filter((finding) => finding.severity === 'error');
  console.log(`${errors.length} error(s), ${outcome.findings.filter((finding) => finding.severity === 'warning').length} warning(s)`);
  process.exit(errors.length > 0 ? 1 : 0);
}
