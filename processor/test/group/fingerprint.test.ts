import { describe, expect, it } from 'vitest';
import { Detector } from '../../src/detect/Detector.ts';
import { defaultRuleSet } from '../../src/detect/defaultRuleSet.ts';
import { fingerprint } from '../../src/group/fingerprint.ts';
import { ErrorIdentifier } from '../../src/group/identifyError.ts';
import type { PipelineRecord } from '../../src/types.ts';
import { inventoryShortage, missingPrice, otherServiceException, paymentFailed, productNotFound } from '../support/posRecords.ts';

const detector = new Detector(defaultRuleSet());
const identifier = new ErrorIdentifier();
const identifyError = (detection: Parameters<ErrorIdentifier['identify']>[0]) => identifier.identify(detection);

function fingerprintOf(record: PipelineRecord): string {
  const detection = detector.detect(record, Date.now());
  if (detection === undefined) throw new Error('expected a detection');
  return identifyError(detection).fingerprint;
}

describe('fingerprint', () => {
  it('is 16 hex digits and stable', () => {
    const input = {
      service: 'demo-pos',
      errorType: 'MISSING_PRICE',
      exceptionType: '',
      maskedMessage: 'Product <num> has no price',
      topFrame: '',
    };
    expect(fingerprint(input)).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(input)).toBe(fingerprint({ ...input }));
  });

  it('tells its parts apart: moving text from one part to another changes it', () => {
    const base = { service: 'a', errorType: 'b', exceptionType: '', maskedMessage: 'c', topFrame: '' };
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, service: 'ab', errorType: '' }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, maskedMessage: '', topFrame: 'c' }));
  });

  it('is the same for one error with other order ids, uuids, trace ids and amounts', () => {
    const prints = new Set([
      fingerprintOf(missingPrice({ orderId: 'ORD-0b9f4f2e-8a51-4c53-9d2c-7f0e8d1c2b3a' })),
      fingerprintOf(missingPrice({ orderId: 'ORD-7' })),
      fingerprintOf(missingPrice({ traceId: 'ffffffffffffffffffffffffffffffff' })),
    ]);
    expect(prints.size).toBe(1);
    expect(fingerprintOf(inventoryShortage(3, 50))).toBe(fingerprintOf(inventoryShortage(0, 999)));
    expect(fingerprintOf(productNotFound(4242))).toBe(fingerprintOf(productNotFound(7)));
  });

  it('is the same for one error in different stores and kiosks (the breakdown tells them apart)', () => {
    expect(fingerprintOf(missingPrice({ storeId: 'STORE_001', kioskId: 'KIOSK_001' }))).toBe(
      fingerprintOf(missingPrice({ storeId: 'STORE_005', kioskId: 'KIOSK_004' })),
    );
  });

  it('differs between error types and services', () => {
    const prints = new Set([
      fingerprintOf(missingPrice()),
      fingerprintOf(paymentFailed()),
      fingerprintOf(productNotFound()),
      fingerprintOf(missingPrice({ service: 'menu-board' })),
    ]);
    expect(prints.size).toBe(4);
  });

  it('keeps an exception with another line number in one incident, but not one from another function', () => {
    expect(fingerprintOf(otherServiceException({}, 88))).toBe(fingerprintOf(otherServiceException({}, 91)));
    const elsewhere = otherServiceException();
    const moved: PipelineRecord = {
      ...elsewhere,
      LogAttributes: {
        ...elsewhere.LogAttributes,
        'exception.stacktrace': 'ConnectionRefusedError: x\n    at SyncJob.pushOrders (/srv/inventory-sync/dist/jobs/SyncJob.js:120:5)',
      },
    };
    expect(fingerprintOf(moved)).not.toBe(fingerprintOf(elsewhere));
  });

  it('uses exception.message when the body is empty', () => {
    const record = otherServiceException();
    const detection = detector.detect({ ...record, Body: '' }, 0);
    expect(detection && identifyError(detection).template).toBe('connect ECONNREFUSED <ip>');
  });
});
