import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCounts, passesLuhn, REDACTED, redact, totalRedacted } from '../../src/enrich/redact.ts';

/** Test card numbers of the card schemes (all pass Luhn). */
const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const AMEX = '378282246310005';

describe('redact', () => {
  it('removes card numbers that pass Luhn, written plain, with spaces or with dashes', () => {
    const counts = emptyCounts();
    const text = redact(`paid with ${VISA}, retry with 5555 5555 5555 4444 or 3782-822463-10005`, counts);
    expect(text).not.toMatch(/\d{4}/);
    expect(text).toBe(`paid with ${REDACTED.card}, retry with ${REDACTED.card} or ${REDACTED.card}`);
    expect(counts.card).toBe(3);
  });

  it('keeps digit runs that fail Luhn (order numbers, timestamps), since they are not cards', () => {
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(redact('order 4111111111111112 at 1767225600000')).toBe('order 4111111111111112 at 1767225600000');
  });

  it('removes e-mail addresses', () => {
    const counts = emptyCounts();
    expect(redact('customer jane.doe+pos@example.co.uk complained', counts)).toBe(`customer ${REDACTED.email} complained`);
    expect(counts.email).toBe(1);
  });

  it('removes bearer and basic credentials, keeping the scheme', () => {
    const text = redact('Authorization: Bearer abc.DEF-123_456~xyz and Basic dXNlcjpwYXNzd29yZA==');
    expect(text).toBe(`Authorization: Bearer ${REDACTED.token} and Basic ${REDACTED.token}`);
  });

  it('removes JWTs wherever they appear', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redact(`cookie session=${jwt}`)).not.toContain('eyJ');
  });

  it('removes API keys by their shape and by their name', () => {
    const counts = emptyCounts();
    const text = redact(
      'key sk-proj-AbCdEf0123456789xyzXYZ, aws AKIAIOSFODNN7EXAMPLE, gh ghp_0123456789abcdefghijABCDEFGHIJ012345, ' +
        'url ?api_key=s3cr3tv4lu3&x=1, {"password": "hunter22"}, client_secret: 9f8e7d6c',
      counts,
    );
    for (const secret of ['sk-proj', 'AKIAIOSFODNN7EXAMPLE', 'ghp_', 's3cr3tv4lu3', 'hunter22', '9f8e7d6c'])
      expect(text).not.toContain(secret);
    expect(text).toContain(`api_key=${REDACTED.secret}`);
    expect(text).toContain(`"password": "${REDACTED.secret}"`);
    expect(counts.secret).toBe(6);
  });

  it('removes IPv4 and IPv6 addresses, not times or version numbers', () => {
    const counts = emptyCounts();
    const text = redact(
      'connect ECONNREFUSED 10.0.12.7:5432 from fe80::1ff:fe23:4567:890a%eth0 and 2001:db8::8a2e:370:7334 at 12:30:45 v1.2.3',
      counts,
    );
    expect(text).toBe(`connect ECONNREFUSED ${REDACTED.ip}:5432 from ${REDACTED.ip} and ${REDACTED.ip} at 12:30:45 v1.2.3`);
    expect(counts.ip).toBe(3);
    expect(redact('999.1.1.1 is no address')).toBe('999.1.1.1 is no address');
  });

  it('counts everything it removed', () => {
    const counts = emptyCounts();
    redact(`${VISA} a@b.io Bearer abcdefghijkl 127.0.0.1 token=abcdefgh`, counts);
    expect(totalRedacted(counts)).toBe(5);
    expect(redact('')).toBe('');
  });

  it('never lets a Luhn-valid card number through, wherever it sits in a text', () => {
    const cards = fc.constantFrom(VISA, MASTERCARD, AMEX, '6011111111111117', '4000056655665556');
    const filler = fc.string({ maxLength: 30 }).map((text) => text.replace(/\d/g, ''));
    fc.assert(
      fc.property(filler, cards, filler, (before, card, after) => {
        const out = redact(`${before} ${card} ${after}`);
        expect(out).not.toContain(card);
        expect(out).toContain(REDACTED.card);
      }),
      { numRuns: 300 },
    );
  });
});
