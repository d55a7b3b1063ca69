/**
 * The whole run's verdict from every workspace's vitest JSON report: tests passed, failed and
 * skipped, and every reason the run failed besides a failed test — a test file that failed (an
 * error in a hook, an unhandled error), a test file that did not load (no test ran in it), a
 * report that is missing or unreadable, a test command that exited non-zero though its report
 * passed (coverage thresholds).
 */
import { relative } from 'node:path';

/** The part of vitest's JSON report (`--reporter=json`) the summary reads. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success?: boolean;
  testResults?: Array<{ name: string; status: string; message?: string; assertionResults?: unknown[] }>;
}

/** A workspace's report as read: the report, or why there is none. */
export type ReportRead = { workspace: string; report: VitestReport } | { workspace: string; missing: string };

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Test files that failed although none of their tests did (hooks, unhandled errors, workers). */
  failedFiles: string[];
  /** Test files that did not load: no test of theirs ran. */
  unloadedFiles: string[];
  /** Workspaces without a usable report, with why. */
  missingReports: string[];
  /** Workspaces whose report says the run failed for a reason not listed above. */
  otherFailures: string[];
  /** The test command's exit status, when it was given and not 0. */
  exitStatus?: number;
  ok: boolean;
  /** The closing line: the counts, then what failed. */
  line: string;
}

export function summarise(reads: ReadonlyArray<ReportRead>, exitStatus = 0, root = process.cwd()): RunSummary {
  const summary: Omit<RunSummary, 'ok' | 'line'> = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failedFiles: [],
    unloadedFiles: [],
    missingReports: [],
    otherFailures: [],
  };
  for (const read of reads) {
    if ('missing' in read) {
      summary.missingReports.push(`${read.workspace} (${read.missing})`);
      continue;
    }
    const { report, workspace } = read;
    summary.passed += report.numPassedTests;
    summary.failed += report.numFailedTests;
    summary.skipped += report.numPendingTests + report.numTodoTests;
    let explained = report.numFailedTests > 0;
    for (const file of report.testResults ?? []) {
      if (file.status !== 'failed') continue;
      const name = relative(root, file.name);
      const ran = file.assertionResults?.length ?? 0;
      if (ran === 0) summary.unloadedFiles.push(firstLine(name, file.message));
      else if (!hasFailedTest(file.assertionResults)) summary.failedFiles.push(firstLine(name, file.message));
      explained = true;
    }
    if (report.success === false && !explained) summary.otherFailures.push(`${workspace} (its report says the run failed: see its output)`);
  }
  const reasons: string[] = [];
  if (summary.failed > 0) reasons.push(`${summary.failed} ${plural(summary.failed, 'test')} failed`);
  if (summary.unloadedFiles.length > 0) {
    reasons.push(
      `${summary.unloadedFiles.length} test ${plural(summary.unloadedFiles.length, 'file')} did not load: ${summary.unloadedFiles.join('; ')}`,
    );
  }
  if (summary.failedFiles.length > 0) {
    reasons.push(
      `${summary.failedFiles.length} test ${plural(summary.failedFiles.length, 'file')} failed outside its tests: ${summary.failedFiles.join('; ')}`,
    );
  }
  if (summary.missingReports.length > 0) reasons.push(`no test report from ${summary.missingReports.join(', ')}`);
  reasons.push(...summary.otherFailures);
  const explainedByReports = reasons.length > 0;
  if (exitStatus !== 0) {
    reasons.push(
      explainedByReports
        ? `the test command exited ${exitStatus}`
        : `the test command exited ${exitStatus} though every report passed (a coverage threshold, a build or an error outside the tests: see the output above)`,
    );
  }
  const counts = `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
  const ok = reasons.length === 0;
  return {
    ...summary,
    ...(exitStatus !== 0 ? { exitStatus } : {}),
    ok,
    line: ok ? counts : `${counts} — FAILED: ${reasons.join('; ')}`,
  };
}

function hasFailedTest(results: unknown[] | undefined): boolean {
  return (results ?? []).some((result) => (result as { status?: unknown }).status === 'failed');
}

function firstLine(name: string, message: string | undefined): string {
  const reason = message
    ?.split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  return reason ? `${name} (${reason.length > 200 ? `${reason.slice(0, 199)}…` : reason})` : name;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
