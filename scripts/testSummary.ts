/**
 * Prints one closing line for the whole test run — `tests: N passed, N failed, N skipped`,
 * summed over every workspace's vitest JSON report — and fails, saying which, when a test
 * failed, a test file failed or did not load, a report is missing (a workspace whose tests did
 * not run must not pass unnoticed) or the test command itself failed (`--status N`, its exit
 * status). `--clean` removes the reports of an earlier run first.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { summarise, type ReportRead, type VitestReport } from './lib/testReports.ts';

// Every workspace of the root package.json that has tests (a `test` script), so a new one cannot
// slip past the summary (test-support, which only holds doubles for the others' tests, has none),
// and the scripts' own tests.
const WORKSPACES: string[] = [
  ...(JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] }).workspaces.filter(hasTests),
  'scripts',
];
const REPORT = '.vitest-results.json';

if (process.argv.includes('--clean')) {
  for (const workspace of WORKSPACES) rmSync(`${workspace}/${REPORT}`, { force: true });
  process.exit(0);
}

function hasTests(workspace: string): boolean {
  const manifest = `${workspace}/package.json`;
  // A workspace folder without its manifest is reported as missing rather than skipped.
  if (!existsSync(manifest)) return true;
  return Boolean((JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }).scripts?.test);
}

function read(workspace: string): ReportRead {
  const file = `${workspace}/${REPORT}`;
  if (!existsSync(file)) return { workspace, missing: 'its tests did not run' };
  try {
    return { workspace, report: JSON.parse(readFileSync(file, 'utf8')) as VitestReport };
  } catch (error) {
    return { workspace, missing: `${file} is unreadable: ${(error as Error).message}` };
  }
}

const statusArg = process.argv.indexOf('--status');
const exitStatus = statusArg === -1 ? 0 : Number(process.argv[statusArg + 1] ?? 1) || 0;
const summary = summarise(WORKSPACES.map(read), exitStatus);
(summary.ok ? console.log : console.error)(summary.line);
if (!summary.ok) process.exitCode = 1;
