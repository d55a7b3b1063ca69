import { watch, type FSWatcher } from 'node:fs';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { RuleSet } from '../types.ts';
import { parseRuleSet } from './parseRuleSet.ts';
import { RuleSetError } from './RuleSetError.ts';

export interface WatchRuleSetOptions {
  /** Quiet time after the last change before the file is read [200 ms]: editors write in several steps. */
  debounceMs?: number;
}

export interface RuleSetWatcher {
  close(): void;
}

/**
 * Hot reload: reads the rules file again whenever it changes and hands over the new rules.
 * A bad edit calls `onError` and nothing else, so the caller keeps the rules it has; the next
 * good save is picked up. The folder is watched rather than the file, because editors often
 * save by writing a new file and renaming it over the old one.
 *
 * An `onChange` that throws (say, because the new rules are refused downstream) is reported
 * through `onError` too.
 */
export function watchRuleSet(
  path: string,
  onChange: (ruleSet: RuleSet) => void,
  onError: (error: unknown) => void,
  options: WatchRuleSetOptions = {},
): RuleSetWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const fileName = basename(path);
  let lastText = readQuietly(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const reload = (): void => {
    timer = undefined;
    if (closed) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      onError(new RuleSetError(fileName, '', `cannot be read: ${(error as Error).message}`));
      return;
    }
    if (text === lastText) return;
    lastText = text;
    try {
      onChange(parseRuleSet(text, fileName));
    } catch (error) {
      onError(error);
    }
  };

  const watcher: FSWatcher = watch(dirname(path), (_event, changed) => {
    if (changed !== null && changed !== fileName) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  });
  watcher.unref();
  watcher.on('error', onError);

  return {
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
