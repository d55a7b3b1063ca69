/**
 * Prints one closing line for the whole test run, `tests: N passed, N failed, N skipped`,
 * summed over every workspace's vitest JSON report, and fails if a report is missing
 * (a workspace whose tests did not run must not pass unnoticed). `--clean` removes the
 * reports of an earlier run first.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';

// Every workspace of the root package.json that has tests (a `test` script), so a new one cannot
// slip past the summary; test-support, which only holds doubles for the others' tests, has none.
const WORKSPACES: string[] = (JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] }).workspaces.filter(
  (workspace) => (JSON.parse(readFileSync(`${workspace}/package.json`, 'utf8')) as { scripts?: Record<string, string> }).scripts?.test,
);
const REPORT = '.vitest-results.json';

if (process.argv.includes('--clean')) {
  for (const workspace of WORKSPACES) rmSync(`${workspace}/${REPORT}`, { force: true });
  process.exit(0);
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const workspace of WORKSPACES) {
  const file = `${workspace}/${REPORT}`;
  if (!existsSync(file)) {
    console.error(`no test report from ${workspace} (${file}): its tests did not run`);
    process.exitCode = 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0) process.exitCode = 1;
