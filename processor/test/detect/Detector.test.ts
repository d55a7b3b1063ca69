import { describe, expect, it } from 'vitest';
import { Detector } from '../../src/detect/Detector.ts';
import { RuleSetError } from '../../src/detect/RuleSetError.ts';
import { parseRuleSet } from '../../src/detect/parseRuleSet.ts';
import type { PipelineRecord, RuleSet } from '../../src/types.ts';
import { missingPrice, orderPlaced, otherServiceException, paymentFailed } from '../support/posRecords.ts';

function rules(yaml: string): RuleSet {
  return parseRuleSet(yaml, 'test.yaml');
}

function record(overrides: Partial<PipelineRecord>): PipelineRecord {
  return { ...orderPlaced(), ...overrides };
}

describe('Detector', () => {
  it('lets the first matching rule win, in file order', () => {
    const detector = new Detector(
      rules(`
rules:
  - { id: errors, match: { minSeverityNumber: 17 }, errorType: ANY_ERROR, severity: LOW, ticket: { mode: never } }
  - { id: price, match: { errorCode: MISSING_PRICE }, errorType: MISSING_PRICE, severity: CRITICAL, ticket: { mode: manual } }
`),
    );
    expect(detector.detect(missingPrice(), 0)?.rule.id).toBe('errors');
  });

  it('looks for a code among several, and tries code-less rules for codes no rule names', () => {
    const detector = new Detector(
      rules(`
rules:
  - { id: pos, match: { errorCode: [MISSING_PRICE, PAYMENT_FAILED] }, errorType: POS, severity: HIGH, ticket: { mode: manual } }
  - { id: body, match: { bodyRegex: "^Receipt", minSeverityNumber: 13 }, errorType: RECEIPT, severity: LOW, ticket: { mode: never } }
`),
    );
    expect(detector.detect(paymentFailed(), 0)?.rule.id).toBe('pos');
    expect(detector.detect(missingPrice(), 0)?.rule.id).toBe('pos');
    const receipt = record({ SeverityNumber: 13, Body: 'Receipt printer out of paper', LogAttributes: { 'error.code': 'PRINTER' } });
    expect(detector.detect(receipt, 0)?.rule.id).toBe('body');
    expect(detector.detect({ ...receipt, Body: 'Printer out of paper' }, 0)).toBeUndefined();
  });

  it('matches on service, attributes and the absence of an exception', () => {
    const detector = new Detector(
      rules(`
rules:
  - id: store-9
    match: { service: [demo-pos], attributes: { pos.store.id: STORE_009 }, hasException: false }
    errorType: STORE_9
    severity: LOW
    ticket: { mode: never }
`),
    );
    const atStore9 = record({ LogAttributes: { 'pos.store.id': 'STORE_009' } });
    expect(detector.detect(atStore9, 0)?.errorType).toBe('STORE_9');
    expect(detector.detect({ ...atStore9, ServiceName: 'other' }, 0)).toBeUndefined();
    expect(detector.detect(record({ LogAttributes: { 'pos.store.id': 'STORE_001' } }), 0)).toBeUndefined();
    const withException = record({ LogAttributes: { 'pos.store.id': 'STORE_009', 'exception.message': 'boom' } });
    expect(detector.detect(withException, 0)).toBeUndefined();
  });

  it('matches `any` when one alternative holds, together with the other conditions', () => {
    const detector = new Detector(
      rules(`
rules:
  - id: pos-trouble
    match:
      service: demo-pos
      any: [ { errorCode: PAYMENT_FAILED }, { hasException: true }, { bodyRegex: "(?i:timed out)" } ]
    errorType: POS_TROUBLE
    errorTypeFrom: [exception.type]
    severity: HIGH
    ticket: { mode: auto, afterOccurrences: 3, windowMinutes: 5 }
`),
    );
    expect(detector.detect(paymentFailed(), 0)?.errorType).toBe('POS_TROUBLE');
    expect(detector.detect(otherServiceException({ service: 'demo-pos' }), 0)?.errorType).toBe('ConnectionRefusedError');
    expect(detector.detect(otherServiceException(), 0)).toBeUndefined(); // another service
    expect(detector.detect(record({ Body: 'Kitchen display Timed Out' }), 0)?.rule.id).toBe('pos-trouble');
    expect(detector.detect(record({ Body: 'all good' }), 0)).toBeUndefined();
  });

  it('does not skip INFO records when a rule could match them (the gate opens)', () => {
    const detector = new Detector(
      rules('rules:\n  - { id: placed, match: { bodyRegex: "placed$" }, errorType: PLACED, severity: LOW, ticket: { mode: never } }\n'),
    );
    expect(detector.detect(orderPlaced(), 0)?.errorType).toBe('PLACED');
  });

  it('detects nothing with no rules', () => {
    expect(new Detector({ rules: [] }).detect(missingPrice(), 0)).toBeUndefined();
  });

  it('checks a rule set built in code', () => {
    const bad: RuleSet = {
      rules: [{ id: 'x', match: { bodyRegex: '(' }, errorType: 'X', severity: 'LOW', ticket: { mode: 'never' } }],
    };
    expect(() => new Detector(bad)).toThrow(RuleSetError);
    const zero: RuleSet = {
      rules: [
        {
          id: 'x',
          match: { errorCode: 'X' },
          errorType: 'X',
          severity: 'LOW',
          ticket: { mode: 'auto', afterOccurrences: 0, windowMinutes: 5 },
        },
      ],
    };
    expect(() => new Detector(zero)).toThrow('rule set: rules[0].ticket.afterOccurrences must be at least 1');
    const noWindow: RuleSet = {
      rules: [
        {
          id: 'x',
          match: { errorCode: 'X' },
          errorType: 'X',
          severity: 'LOW',
          ticket: { mode: 'auto', afterOccurrences: 1, windowMinutes: 0 },
        },
      ],
    };
    expect(() => new Detector(noWindow)).toThrow('rule set: rules[0].ticket.windowMinutes must be at least 1');
  });
});
