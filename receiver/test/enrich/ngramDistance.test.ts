import { describe, expect, it } from 'vitest';
import { CLOSE_MESSAGE_DISTANCE } from '../../src/enrich/ClickHouseSimilarIncidents.ts';
import { ngramDistance, ngramsOf } from '../../src/enrich/ngramDistance.ts';

describe('ngramDistance', () => {
  it('is 0 for the same text, 1 for texts sharing no 4-gram, and symmetric', () => {
    expect(ngramDistance('Product <n> has no price', 'Product <n> has no price')).toBe(0);
    expect(ngramDistance('abcdefgh', 'stuvwxyz')).toBe(1);
    const a = ngramsOf('connect ECONNREFUSED <n>:<n>');
    const b = ngramsOf('connect ECONNREFUSED <ip>:<n>');
    expect(ngramDistance(a, b)).toBe(ngramDistance(b, a));
    expect(ngramDistance('', 'abc')).toBe(0);
  });

  it('calls variants of one error close and different errors not', () => {
    const close = [
      ['Product <n> (Mystery Product) has no price', 'Product <n> has no price'],
      ['Product <n> (Mystery Product) has no price', 'Product <n> (Organic Banana) has no price'],
      ['Store STORE_<n> is not configured', 'Kiosk KIOSK_<n> is not configured for store STORE_<n> (known: KIOSK_<n>)'],
    ];
    const far = [
      ['Product <n> (Mystery Product) has no price', 'Product <n> does not exist in the catalogue'],
      ['connect ECONNREFUSED <n>:<n>', "Cannot read properties of undefined (reading 'priceCents')"],
    ];
    for (const [a, b] of close) expect(ngramDistance(a!, b!), `${a} / ${b}`).toBeLessThan(CLOSE_MESSAGE_DISTANCE);
    for (const [a, b] of far) expect(ngramDistance(a!, b!), `${a} / ${b}`).toBeGreaterThan(CLOSE_MESSAGE_DISTANCE);
  });
});
