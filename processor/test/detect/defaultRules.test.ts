import { describe, expect, it } from 'vitest';
import { Detector } from '../../src/detect/Detector.ts';
import { defaultRuleSet } from '../../src/detect/defaultRuleSet.ts';
import type { PipelineRecord } from '../../src/types.ts';
import {
  fatal,
  internalError,
  inventoryShortage,
  invalidStoreConfig,
  missingPrice,
  orderPlaced,
  otherServiceException,
  paymentFailed,
  productNotFound,
  validationWarning,
} from '../support/posRecords.ts';

const NOW = 1_767_225_660_000;
const detector = new Detector(defaultRuleSet());

function detect(record: PipelineRecord) {
  return detector.detect(record, NOW);
}

describe('the default rules on POS records', () => {
  it.each([
    ['MISSING_PRICE', missingPrice(), 'pos-missing-price', 'CRITICAL', { mode: 'auto', afterOccurrences: 1, windowMinutes: 60 }],
    ['PAYMENT_FAILED', paymentFailed(), 'pos-payment-failed', 'HIGH', { mode: 'auto', afterOccurrences: 1, windowMinutes: 60 }],
    [
      'INVALID_STORE_CONFIG',
      invalidStoreConfig(),
      'pos-invalid-store-config',
      'HIGH',
      { mode: 'auto', afterOccurrences: 1, windowMinutes: 60 },
    ],
    ['PRODUCT_NOT_FOUND', productNotFound(), 'pos-product-not-found', 'MEDIUM', { mode: 'auto', afterOccurrences: 5, windowMinutes: 10 }],
    [
      'INVENTORY_SHORTAGE',
      inventoryShortage(),
      'pos-inventory-shortage',
      'MEDIUM',
      { mode: 'auto', afterOccurrences: 5, windowMinutes: 10 },
    ],
  ] as const)('%s', (errorType, record, ruleId, severity, ticket) => {
    const detection = detect(record);
    expect(detection).toBeDefined();
    expect(detection?.errorType).toBe(errorType);
    expect(detection?.rule.id).toBe(ruleId);
    expect(detection?.severity).toBe(severity);
    expect(detection?.rule.ticket).toEqual(ticket);
    expect(detection?.record).toBe(record);
    expect(detection?.detectedAt).toBe(NOW);
  });

  it('takes the POS INTERNAL_ERROR (an exception) by the generic exception rule, typed by its error.code', () => {
    const detection = detect(internalError());
    expect(detection?.rule.id).toBe('generic-exception');
    expect(detection?.errorType).toBe('INTERNAL_ERROR');
    expect(detection?.severity).toBe('HIGH');
    expect(detection?.rule.ticket).toEqual({ mode: 'manual' });
  });

  it('leaves the POS order log (INFO) and a client mistake (WARN with error.code) alone', () => {
    expect(detect(orderPlaced())).toBeUndefined();
    expect(detect(validationWarning())).toBeUndefined();
  });

  it('matches the POS rules on error.code, not on the service: another service reporting MISSING_PRICE is one too', () => {
    expect(detect(missingPrice({ service: 'menu-board' }))?.errorType).toBe('MISSING_PRICE');
  });
});

describe('the generic rules', () => {
  it('takes an exception from another service, typed by exception.type', () => {
    const detection = detect(otherServiceException());
    expect(detection?.rule.id).toBe('generic-exception');
    expect(detection?.errorType).toBe('ConnectionRefusedError');
    expect(detection?.severity).toBe('HIGH');
  });

  it('takes an exception logged below ERROR: carrying exception.* is enough', () => {
    const record = { ...otherServiceException(), SeverityNumber: 13, SeverityText: 'WARN' };
    expect(detect(record)?.rule.id).toBe('generic-exception');
  });

  it('takes a FATAL record as CRITICAL, LOG_FATAL when it carries no type', () => {
    const detection = detect(fatal());
    expect(detection?.rule.id).toBe('generic-fatal');
    expect(detection?.errorType).toBe('LOG_FATAL');
    expect(detection?.severity).toBe('CRITICAL');
    expect(detection?.rule.ticket).toEqual({ mode: 'manual' });
  });

  it('takes a plain ERROR record as LOG_ERROR, MEDIUM', () => {
    const record: PipelineRecord = {
      ...orderPlaced(),
      SeverityNumber: 17,
      SeverityText: 'ERROR',
      Body: 'Receipt printer offline',
      LogAttributes: { 'pos.store.id': 'STORE_003' },
    };
    const detection = detect(record);
    expect(detection?.rule.id).toBe('generic-error');
    expect(detection?.errorType).toBe('LOG_ERROR');
    expect(detection?.severity).toBe('MEDIUM');
  });

  it('types an ERROR by an unknown error.code, ignoring an empty one', () => {
    const base = { ...orderPlaced(), SeverityNumber: 18, SeverityText: 'ERROR2', Body: 'x' };
    expect(detect({ ...base, LogAttributes: { 'error.code': 'PRINTER_JAM' } })?.errorType).toBe('PRINTER_JAM');
    expect(detect({ ...base, LogAttributes: { 'error.code': '' } })?.errorType).toBe('LOG_ERROR');
  });

  it('ignores INFO, DEBUG and WARN records without error.code or exception', () => {
    for (const severityNumber of [1, 5, 9, 13, 16]) {
      expect(detect({ ...orderPlaced(), SeverityNumber: severityNumber })).toBeUndefined();
    }
  });
});
