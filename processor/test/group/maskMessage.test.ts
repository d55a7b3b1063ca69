import { describe, expect, it } from 'vitest';
import { maskMessage, MAX_MASKED_LENGTH } from '../../src/group/maskMessage.ts';

describe('maskMessage', () => {
  it.each([
    ['a uuid, in any case', 'Order ORD-3F0C1B2A-9D4E-4A2B-9C3D-0123456789AB failed', 'Order ORD-<uuid> failed'],
    ['numbers', 'Product 999 (Mystery Product) has no price', 'Product <n> (Mystery Product) has no price'],
    ['numbers inside identifiers', 'Store STORE_001 kiosk KIOSK_004 order ORD-42', 'Store STORE_<n> kiosk KIOSK_<n> order ORD-<n>'],
    ['decimals and dotted numbers', 'took 3.14 s talking to 10.0.3.17:5432 (v2.11.0)', 'took <n> s talking to <n>:<n> (v<n>)'],
    ['a hex trace id', 'trace 4bf92f3577b34da6a3ce929d0e0e4736 lost', 'trace <hex> lost'],
    ['a hex run of 8 with letters', 'authorization AUTH-1A2B3C4D refused', 'authorization AUTH-<hex> refused'],
    ['a 0x literal', 'bad pointer 0x1f at offset 0xDEADBEEF', 'bad pointer <hex> at offset <hex>'],
    ['a long decimal run as a number, not hex', 'card 4000000000000002 declined', 'card <n> declined'],
    ['an e-mail address', 'no account for jane.doe+pos@example.co.uk today', 'no account for <email> today'],
    ['short hex-looking words, left alone', 'cafe added beef', 'cafe added beef'],
    ['a hex run glued to letters, left to the number rule', 'id x1234567890abcdefz', 'id x<n>abcdefz'],
    [
      'quoted strings, kept (ids inside still masked)',
      `Cannot read properties of undefined (reading 'priceCents') for "ORD-7"`,
      `Cannot read properties of undefined (reading 'priceCents') for "ORD-<n>"`,
    ],
    [
      'nothing to mask',
      'Payment gateway declined the payment: card_declined: the issuer declined the card',
      'Payment gateway declined the payment: card_declined: the issuer declined the card',
    ],
    ['an empty message', '', ''],
  ])('masks %s', (_case, input, expected) => {
    expect(maskMessage(input)).toBe(expected);
  });

  it('masks a whole POS inventory message to the same text whatever the amounts', () => {
    const a = maskMessage('Only 12 unit(s) of product 101 in stock, 999 requested');
    const b = maskMessage('Only 0 unit(s) of product 104 in stock, 401 requested');
    expect(a).toBe(b);
    expect(a).toBe('Only <n> unit(s) of product <n> in stock, <n> requested');
  });

  it(`looks at the first ${MAX_MASKED_LENGTH} characters only`, () => {
    const long = `Failed: ${'x'.repeat(MAX_MASKED_LENGTH)}`;
    expect(maskMessage(`${long} 1`)).toBe(maskMessage(`${long} 2`));
    expect(maskMessage(long).length).toBe(MAX_MASKED_LENGTH);
  });
});
