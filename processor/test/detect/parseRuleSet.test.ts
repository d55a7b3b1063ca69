import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleSetError } from '../../src/detect/RuleSetError.ts';
import { DEFAULT_RULES_PATH } from '../../src/detect/defaultRuleSet.ts';
import { loadRuleSet } from '../../src/detect/loadRuleSet.ts';
import { parseRuleSet, validateRuleSet } from '../../src/detect/parseRuleSet.ts';

const GOOD_RULE = `
  - id: missing-price
    match: { errorCode: MISSING_PRICE }
    errorType: MISSING_PRICE
    severity: CRITICAL
    ticket: { mode: auto, afterOccurrences: 1, windowMinutes: 60 }`;

/** A file with a good first rule and `rule` as the second. */
function withSecondRule(rule: string): string {
  return `rules:${GOOD_RULE}\n${rule}`;
}

function errorOf(text: string, sourceName = 'rules.yaml'): RuleSetError {
  try {
    parseRuleSet(text, sourceName);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    return error as RuleSetError;
  }
  throw new Error('expected a RuleSetError');
}

describe('parseRuleSet', () => {
  it('reads YAML and JSON, filling in the auto policy defaults', () => {
    const yaml = parseRuleSet(
      withSecondRule('  - { id: b, match: { minSeverityNumber: 17 }, errorType: E, severity: LOW, ticket: { mode: auto } }'),
      'r.yaml',
    );
    expect(yaml.rules[1]?.ticket).toEqual({ mode: 'auto', afterOccurrences: 1, windowMinutes: 60 });
    const json = parseRuleSet(
      JSON.stringify({
        rules: [{ id: 'x', match: { errorCode: ['A', 'B'] }, errorType: 'X', severity: 'HIGH', ticket: { mode: 'never' } }],
      }),
      'rules.json',
    );
    expect(json.rules[0]?.match.errorCode).toEqual(['A', 'B']);
  });

  it('names the file and the field of a wrong severity', () => {
    const error = errorOf(
      withSecondRule(`
  - id: second
    match: { errorCode: X }
    errorType: X
    severity: URGENT
    ticket: { mode: manual }`),
    );
    expect(error.message).toBe('rules.yaml: rules[1].severity must be one of CRITICAL, HIGH, MEDIUM, LOW');
    expect(error.sourceName).toBe('rules.yaml');
    expect(error.field).toBe('rules[1].severity');
  });

  it('names a missing errorType', () => {
    const error = errorOf(withSecondRule('  - { id: b, match: { errorCode: X }, severity: LOW, ticket: { mode: manual } }'));
    expect(error.message).toBe('rules.yaml: rules[1].errorType is required');
  });

  it('names a body regex that does not compile, with the reason', () => {
    const error = errorOf(
      withSecondRule('  - { id: b, match: { bodyRegex: "price (" }, errorType: X, severity: LOW, ticket: { mode: manual } }'),
    );
    expect(error.message).toMatch(/^rules\.yaml: rules\[1\]\.match\.bodyRegex is not a valid regular expression: .*Unterminated group/);
  });

  it('finds a bad regex inside an any list', () => {
    const error = errorOf(
      withSecondRule(
        '  - { id: b, match: { any: [ { errorCode: X }, { bodyRegex: "[" } ] }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      ),
    );
    expect(error.field).toBe('rules[1].match.any[1].bodyRegex');
  });

  it('refuses a duplicate id, naming both rules', () => {
    const error = errorOf(
      withSecondRule('  - { id: missing-price, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: manual } }'),
    );
    expect(error.message).toBe('rules.yaml: rules[1].id "missing-price" is already the id of rules[0]');
  });

  it('gives the line of invalid YAML', () => {
    const error = errorOf('rules:\n  - id: a\n    match: { errorCode: X\n    errorType: X\n');
    expect(error.field).toBe('');
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/^rules\.yaml: is not valid YAML or JSON: .* at line \d+, column \d+$/);
  });

  it('gives the line of invalid JSON', () => {
    const error = errorOf('{\n  "rules": [\n    { "id": "a", }\n  ]\n', 'rules.json');
    expect(error.message).toMatch(/^rules\.json: is not valid YAML or JSON: .*line \d+/);
    expect(error.line).toBeDefined();
  });

  it('refuses a key given twice (YAML would otherwise keep the last silently)', () => {
    const error = errorOf('rules:\n  - id: a\n    id: b\n');
    expect(error.message).toMatch(/Map keys must be unique at line 3/);
  });

  it.each([
    ['an empty file', '', '', 'must be a mapping with a `rules` list'],
    ['a list at the top', '- a', '', 'must be a mapping with a `rules` list'],
    ['no rules list', 'rule: []', 'rules', 'is required'],
    ['rules not a list', 'rules: {}', 'rules', 'must be a list'],
    [
      'a typo in a condition',
      '  - { id: b, match: { errorcode: X }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.errorcode',
      'is not a known field',
    ],
    [
      'an empty match',
      '  - { id: b, match: {}, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match',
      'must have at least one condition',
    ],
    [
      'an unknown ticket mode',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: sometimes } }',
      'rules[1].ticket.mode',
      'must be one of auto, manual, never',
    ],
    [
      'a ticket without mode',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: {} }',
      'rules[1].ticket.mode',
      'is required',
    ],
    [
      'afterOccurrences 0',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: auto, afterOccurrences: 0 } }',
      'rules[1].ticket.afterOccurrences',
      'must be at least 1',
    ],
    [
      'windowMinutes 0',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: auto, windowMinutes: 0 } }',
      'rules[1].ticket.windowMinutes',
      'must be at least 1',
    ],
    [
      'a fractional window',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: auto, windowMinutes: 1.5 } }',
      'rules[1].ticket.windowMinutes',
      'must be a whole number',
    ],
    [
      'a window on a manual policy',
      '  - { id: b, match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: manual, windowMinutes: 5 } }',
      'rules[1].ticket.windowMinutes',
      'is not a known field',
    ],
    [
      'a number as error code',
      '  - { id: b, match: { errorCode: 42 }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.errorCode',
      'must be a non-empty string or a list of non-empty strings',
    ],
    [
      'an empty error code list',
      '  - { id: b, match: { errorCode: [] }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.errorCode',
      'must be a non-empty string or a list of non-empty strings',
    ],
    [
      'a severity number above 24',
      '  - { id: b, match: { minSeverityNumber: 25 }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.minSeverityNumber',
      'must be at most 24',
    ],
    [
      'a severity number of 0',
      '  - { id: b, match: { minSeverityNumber: 0 }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.minSeverityNumber',
      'must be at least 1',
    ],
    [
      'an attribute that is not a string',
      '  - { id: b, match: { attributes: { pos.store.id: 7 } }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.attributes["pos.store.id"]',
      'must be a string',
    ],
    [
      'no attributes',
      '  - { id: b, match: { attributes: {} }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.attributes',
      'must name at least one attribute',
    ],
    [
      'an empty errorType',
      '  - { id: b, match: { errorCode: X }, errorType: "", severity: LOW, ticket: { mode: manual } }',
      'rules[1].errorType',
      'must not be empty',
    ],
    [
      'an empty any',
      '  - { id: b, match: { any: [] }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.any',
      'must not be an empty list',
    ],
    [
      'an id with spaces',
      '  - { id: "my rule", match: { errorCode: X }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].id',
      'must start with a letter or digit',
    ],
    [
      'hasException as a string',
      '  - { id: b, match: { hasException: "yes" }, errorType: X, severity: LOW, ticket: { mode: manual } }',
      'rules[1].match.hasException',
      'must be true or false',
    ],
    ['a rule that is not a mapping', '  - just a string', 'rules[1]', 'must be a mapping'],
  ])('refuses %s', (_case, rule, field, problem) => {
    const text = rule.startsWith('  -') ? withSecondRule(rule) : rule;
    const error = errorOf(text);
    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
    expect(error.message.startsWith(`rules.yaml: ${field === '' ? '' : `${field} `}`)).toBe(true);
  });

  it('reads the grouping key of a rule and the knobs of the miner', () => {
    const ruleSet = parseRuleSet(
      `grouping: { similarity: 0.6, leadingTokens: 1 }\n${withSecondRule(`  - id: per-kiosk
    match: { errorCode: INVALID_STORE_CONFIG }
    errorType: INVALID_STORE_CONFIG
    severity: HIGH
    ticket: { mode: auto, minConfidence: { HIGH: 0.75, MEDIUM: 0.9 } }
    group: { by: [pos.store.id, pos.kiosk.id], template: false }`)}`,
      'rules.yaml',
    );
    expect(ruleSet.grouping).toEqual({ similarity: 0.6, leadingTokens: 1 });
    expect(ruleSet.rules[1]?.group).toEqual({ by: ['pos.store.id', 'pos.kiosk.id'], template: false });
    expect(ruleSet.rules[0]?.group).toBeUndefined();
    expect(ruleSet.rules[1]?.ticket).toEqual({
      mode: 'auto',
      afterOccurrences: 1,
      windowMinutes: 60,
      minConfidence: { HIGH: 0.75, MEDIUM: 0.9 },
    });
    expect(
      errorOf(
        withSecondRule(`  - id: x
    match: { errorCode: X }
    errorType: X
    severity: HIGH
    ticket: { mode: auto, minConfidence: { HIGH: 1.5 } }`),
      ).message,
    ).toContain('minConfidence');
  });

  it('refuses a grouping knob out of range and an empty grouping key', () => {
    expect(errorOf(`grouping: { similarity: 2 }\nrules:${GOOD_RULE}`).message).toContain('grouping.similarity');
    expect(errorOf(`grouping: { depth: 4 }\nrules:${GOOD_RULE}`).message).toContain('grouping');
    const rule = `  - id: empty-key
    match: { errorCode: X }
    errorType: X
    severity: LOW
    ticket: { mode: never }
    group: { by: [] }`;
    expect(errorOf(withSecondRule(rule)).message).toContain('rules[1].group.by');
  });

  it('validates a rule set given as a value (from an API)', () => {
    expect(() => validateRuleSet({ rules: [{ id: 'a' }] }, 'PUT /api/rules')).toThrow('PUT /api/rules: rules[0].match is required');
  });
});

describe('loadRuleSet', () => {
  it('loads the shipped defaults', () => {
    const ruleSet = loadRuleSet(DEFAULT_RULES_PATH);
    expect(ruleSet.rules.map((rule) => rule.id).slice(0, 5)).toEqual([
      'pos-missing-price',
      'pos-payment-failed',
      'pos-invalid-store-config',
      'pos-product-not-found',
      'pos-inventory-shortage',
    ]);
    expect(ruleSet.rules.at(-1)?.id).toBe('generic-error');
  });

  it('names the file by its base name', () => {
    const folder = mkdtempSync(join(tmpdir(), 'stacklens-rules-'));
    const path = join(folder, 'my-rules.yaml');
    writeFileSync(path, 'rules:\n  - { id: a, match: { errorCode: X }, errorType: X, severity: SEVERE, ticket: { mode: never } }\n');
    expect(() => loadRuleSet(path)).toThrow('my-rules.yaml: rules[0].severity must be one of CRITICAL, HIGH, MEDIUM, LOW');
  });

  it('says so when the file cannot be read', () => {
    expect(() => loadRuleSet('/nonexistent/rules.yaml')).toThrow(/^rules\.yaml: cannot be read: ENOENT/);
  });
});
