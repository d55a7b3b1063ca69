import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleSetError } from '../../src/detect/RuleSetError.ts';
import { watchRuleSet, type RuleSetWatcher } from '../../src/detect/watchRuleSet.ts';
import type { RuleSet } from '../../src/types.ts';

function rulesText(id: string, severity = 'LOW'): string {
  return `rules:\n  - { id: ${id}, match: { errorCode: X }, errorType: X, severity: ${severity}, ticket: { mode: never } }\n`;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchRuleSet', () => {
  let watcher: RuleSetWatcher | undefined;
  afterEach(() => watcher?.close());

  it('hands over good edits, reports bad ones and keeps watching', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stacklens-watch-'));
    const path = join(folder, 'rules.yaml');
    writeFileSync(path, rulesText('first'));
    const changes: RuleSet[] = [];
    const errors: unknown[] = [];
    watcher = watchRuleSet(
      path,
      (ruleSet) => changes.push(ruleSet),
      (error) => errors.push(error),
      { debounceMs: 30 },
    );

    writeFileSync(path, rulesText('second'));
    await until(() => changes.length === 1, 'the first reload');
    expect(changes[0]?.rules[0]?.id).toBe('second');

    writeFileSync(path, rulesText('third', 'SEVERE'));
    await until(() => errors.length === 1, 'the bad edit to be reported');
    expect(errors[0]).toBeInstanceOf(RuleSetError);
    expect((errors[0] as Error).message).toBe('rules.yaml: rules[0].severity must be one of CRITICAL, HIGH, MEDIUM, LOW');
    expect(changes).toHaveLength(1);

    // An editor's save: a new file renamed over the old one.
    writeFileSync(join(folder, '.rules.yaml.tmp'), rulesText('fourth'));
    renameSync(join(folder, '.rules.yaml.tmp'), path);
    await until(() => changes.length === 2, 'the reload after a rename');
    expect(changes[1]?.rules[0]?.id).toBe('fourth');

    // Touching other files in the folder changes nothing.
    writeFileSync(join(folder, 'notes.txt'), 'hello');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes).toHaveLength(2);
  });

  it('reports an onChange that throws, and a file that disappears', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stacklens-watch-'));
    const path = join(folder, 'rules.yaml');
    writeFileSync(path, rulesText('first'));
    const errors: unknown[] = [];
    watcher = watchRuleSet(
      path,
      () => {
        throw new Error('refused downstream');
      },
      (error) => errors.push(error),
      { debounceMs: 30 },
    );
    writeFileSync(path, rulesText('second'));
    await until(() => errors.length === 1, 'the throwing onChange to be reported');
    expect((errors[0] as Error).message).toBe('refused downstream');

    rmSync(path);
    await until(() => errors.length === 2, 'the removal to be reported');
    expect((errors[1] as Error).message).toMatch(/^rules\.yaml: cannot be read/);
  });

  it('stops after close', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stacklens-watch-'));
    const path = join(folder, 'rules.yaml');
    writeFileSync(path, rulesText('first'));
    const changes: RuleSet[] = [];
    watcher = watchRuleSet(
      path,
      (ruleSet) => changes.push(ruleSet),
      () => {},
      { debounceMs: 30 },
    );
    writeFileSync(path, rulesText('second'));
    watcher.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes).toHaveLength(0);
  });
});
