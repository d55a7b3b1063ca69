import { ErrorIdentifier } from '@stacklens/processor';
import { describe, expect, it } from 'vitest';
import { isKnownPlaceholder, placeholderMeaning, templateParts } from '../../src/format/template.ts';

/**
 * The titles the plugin marks up are made by the processor's masking and template miner: one
 * message holding every kind of variable goes through the processor's own ErrorIdentifier, and
 * every placeholder in the template it makes must be one the plugin names (a kind added there
 * without a word here fails this test).
 */
const EVERY_KIND = [
  'Order ORD-7Q2K9X1B for product 999 (1,216 items)',
  'from 10.251.73.220:50010 and [::1]:8080 at db-3.eu.internal',
  'user jane.doe@example.com id 3f0c8e2a-1b2c-4d5e-8f90-123456789abc',
  'fetched https://api.example.com/v1/x?id=7 into /var/log/app.log',
  'hash deadbeef42 flags 0x1F',
  'at 2016-09-28T04:30:30Z after 250ms (clock 04:30:30.123), wrote 512MiB',
].join(' ');

function identify(identifier: ErrorIdentifier, body: string): string {
  return identifier.identify({
    record: {
      Timestamp: '1764931200000000000',
      TraceId: '',
      SpanId: '',
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      ServiceName: 'demo-pos',
      Body: body,
      ResourceAttributes: {},
      LogAttributes: {},
    },
    rule: { id: 'r', match: {}, errorType: 'E', severity: 'HIGH', ticket: { mode: 'never' } } as never,
    errorType: 'E',
    severity: 'HIGH',
    detectedAt: 1_764_931_200_000,
  }).template;
}

describe('the processor’s templates, as the plugin marks them up', () => {
  it('names every placeholder the processor’s masking puts in a title', () => {
    const template = identify(new ErrorIdentifier(), EVERY_KIND);
    const names = templateParts(template).flatMap((part) => (part.kind === 'variable' ? [part.name] : []));
    expect(new Set(names).size, template).toBeGreaterThanOrEqual(10);
    for (const name of names) expect(isKnownPlaceholder(name), `<${name}> in ${template}`).toBe(true);
    // The raw values are gone from the title: they live in the example and the samples.
    expect(template).not.toContain('999');
    expect(template).not.toContain('ORD-7Q2K9X1B');
  });

  it('names the miner’s wildcard where two messages of one template differ', () => {
    const identifier = new ErrorIdentifier();
    identify(identifier, 'Payment declined by issuer alpha for kiosk north');
    const template = identify(identifier, 'Payment declined by issuer beta for kiosk north');
    const names = templateParts(template).flatMap((part) => (part.kind === 'variable' ? [part.name] : []));
    expect(names, template).toContain('*');
    expect(placeholderMeaning('*')).toBe('a part that differs between messages');
    expect(placeholderMeaning('later')).toBe('a variable (later)');
  });
});
