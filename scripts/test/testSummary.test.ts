import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarise, type VitestReport } from '../lib/testReports.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const SUITES = resolve(import.meta.dirname, 'fixtures/suites');
const VITEST = resolve(ROOT, 'node_modules/vitest/vitest.mjs');
const SUMMARY = resolve(ROOT, 'scripts/testSummary.ts');

let scratch: string;

/** A real vitest JSON report of the fixture suites matching `filter`. */
async function vitestReport(filter: string): Promise<VitestReport> {
  const output = join(scratch, `${filter}.json`);
  await run(
    process.execPath,
    [VITEST, 'run', '--config', join(SUITES, 'vitest.config.ts'), '--reporter=json', `--outputFile.json=${output}`, filter],
    {
      cwd: SUITES,
    },
  ).catch(() => undefined); // vitest exits 1 on failure: the report is what we read
  return JSON.parse(readFileSync(output, 'utf8')) as VitestReport;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'stacklens-summary-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the test summary', () => {
  it('passes a run whose reports all passed, with the counts', async () => {
    const summary = summarise([{ workspace: 'a', report: await vitestReport('passes') }], 0, SUITES);
    expect(summary).toMatchObject({ ok: true, passed: 1, failed: 0, line: 'tests: 1 passed, 0 failed, 0 skipped' });
  });

  it('fails a failed test and says so', async () => {
    const summary = summarise([{ workspace: 'a', report: await vitestReport('failsATest') }], 1, SUITES);
    expect(summary.ok).toBe(false);
    expect(summary.line).toBe('tests: 1 passed, 1 failed, 0 skipped — FAILED: 1 test failed; the test command exited 1');
  });

  it('fails a suite that did not load, naming the file and why, though no test failed', async () => {
    const summary = summarise([{ workspace: 'a', report: await vitestReport('doesNotLoad') }], 0, SUITES);
    expect(summary.ok).toBe(false);
    expect(summary.failed).toBe(0);
    expect(summary.unloadedFiles).toHaveLength(1);
    expect(summary.line).toMatch(
      /^tests: 0 passed, 0 failed, 0 skipped — FAILED: 1 test file did not load: doesNotLoad\.suite\.ts \(.*missing-module/,
    );
  });

  it('fails a file that failed outside its tests (a hook) while every test passed', async () => {
    const summary = summarise([{ workspace: 'a', report: await vitestReport('failsInAHook') }], 0, SUITES);
    expect(summary.ok).toBe(false);
    expect(summary.passed).toBe(1);
    expect(summary.line).toMatch(/FAILED: 1 test file failed outside its tests: failsInAHook\.suite\.ts \(.*the store did not close/);
  });

  it('fails a missing report, naming the workspace', () => {
    const summary = summarise([{ workspace: 'receiver', missing: 'its tests did not run' }]);
    expect(summary.line).toBe('tests: 0 passed, 0 failed, 0 skipped — FAILED: no test report from receiver (its tests did not run)');
  });

  it('fails a test command that exited non-zero though every report passed (coverage thresholds)', () => {
    const report: VitestReport = {
      numPassedTests: 3,
      numFailedTests: 0,
      numPendingTests: 1,
      numTodoTests: 1,
      success: true,
      testResults: [],
    };
    const summary = summarise([{ workspace: 'a', report }], 1);
    expect(summary.ok).toBe(false);
    expect(summary.line).toMatch(/^tests: 3 passed, 0 failed, 2 skipped — FAILED: the test command exited 1 though every report passed/);
  });

  it('fails a report that says the run failed for a reason it does not list (an unhandled error)', () => {
    const report: VitestReport = {
      numPassedTests: 2,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      success: false,
      testResults: [],
    };
    expect(summarise([{ workspace: 'processor', report }]).line).toMatch(/FAILED: processor \(its report says the run failed/);
  });

  it('as the command: reads every workspace of package.json and the scripts, exits 1 and names what failed', async () => {
    const tree = join(scratch, 'tree');
    for (const folder of ['good', 'broken', 'helpers', 'scripts']) mkdirSync(join(tree, folder), { recursive: true });
    const tested = JSON.stringify({ scripts: { test: 'vitest run' } });
    writeFileSync(join(tree, 'good/package.json'), tested);
    writeFileSync(join(tree, 'broken/package.json'), tested);
    // A workspace of helpers without a test script has no report to give.
    writeFileSync(join(tree, 'helpers/package.json'), JSON.stringify({ scripts: { typecheck: 'tsc' } }));
    writeFileSync(join(tree, 'package.json'), JSON.stringify({ workspaces: ['good', 'broken', 'helpers', 'absent'] }));
    writeFileSync(join(tree, 'good/.vitest-results.json'), JSON.stringify(await vitestReport('passes')));
    writeFileSync(join(tree, 'broken/.vitest-results.json'), JSON.stringify(await vitestReport('doesNotLoad')));
    copyFileSync(join(tree, 'good/.vitest-results.json'), join(tree, 'scripts/.vitest-results.json'));
    const failed = await run(process.execPath, [SUMMARY, '--status', '1'], { cwd: tree }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(
      /^tests: 2 passed, 0 failed, 0 skipped — FAILED: 1 test file did not load: .*doesNotLoad\.suite\.ts.*; no test report from absent \(its tests did not run\); the test command exited 1/,
    );

    rmSync(join(tree, 'broken/.vitest-results.json'));
    writeFileSync(join(tree, 'package.json'), JSON.stringify({ workspaces: ['good', 'helpers'] }));
    const passed = await run(process.execPath, [SUMMARY], { cwd: tree });
    expect(passed.stdout.trim()).toBe('tests: 2 passed, 0 failed, 0 skipped');

    await run(process.execPath, [SUMMARY, '--clean'], { cwd: tree });
    const cleaned = await run(process.execPath, [SUMMARY], { cwd: tree }).catch((error: { stderr: string }) => error);
    expect(cleaned.stderr).toMatch(/no test report from good \(its tests did not run\), scripts/);
  });
});
