import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RuleSet } from '../types.ts';
import { parseRuleSet } from './parseRuleSet.ts';
import { RuleSetError } from './RuleSetError.ts';

/**
 * Reads and validates a rules file (YAML or JSON). Synchronous on purpose: it runs once at
 * start-up (and on a hot reload), and the receiver must not start with rules it cannot read.
 * Error messages name the file by its base name; `sourceName` overrides that.
 * @throws RuleSetError naming the file and the bad field, also when the file cannot be read.
 */
export function loadRuleSet(path: string, sourceName: string = basename(path)): RuleSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuleSetError(sourceName, '', `cannot be read: ${(error as Error).message}`);
  }
  return parseRuleSet(text, sourceName);
}
