import { describe, expect, it } from 'vitest';
import { maskMessage, MAX_MASKED_LENGTH } from '../../src/group/maskMessage.ts';

describe('maskMessage', () => {
  it.each([
    ['a uuid, in any case', 'Order 3F0C1B2A-9D4E-4A2B-9C3D-0123456789AB failed', 'Order <uuid> failed'],
    ['numbers', 'Product 999 (Mystery Product) has no price', 'Product <num> (Mystery Product) has no price'],
    ['signed and decimal numbers', 'balance -12.50 after +3 retries', 'balance <num> after <num> retries'],
    ['ids mixing letters and digits', 'Store STORE_001 kiosk KIOSK_004 order ORD-7Q2K9X1B', 'Store <id> kiosk <id> order <id>'],
    [
      'a ULID, a Stripe-like id, a signed block id',
      'ulid 01J9ZK3X4Y5Z6A7B8C9D0E1F2G charge ch_3MtwBwLkdIwHu7ix28a3tqPa blk_-1608999687919862906',
      'ulid <id> charge <id> <id>',
    ],
    ['IPv4 with a port, and versions', 'took 3.14 s talking to 10.0.3.17:5432 (v2.11.0)', 'took <duration> talking to <ip> (<id>)'],
    [
      'sizes, a size restated in parentheses being part of it',
      'sent 1,216 bytes (1.1 KB), got 512MiB of 2 GB, 0 B left, 5 mb free',
      'sent <size>, got <size> of <size>, <size> left, <size> free',
    ],
    [
      'durations, with a bound before them',
      'lifetime <1 sec, waited 250ms then 3 seconds, up 2 days',
      'lifetime <duration>, waited <duration> then <duration>, up <duration>',
    ],
    ['clock times and durations written h:mm[:ss]', 'lifetime 00:17, at 04:30:30.123 and 1:02:03', 'lifetime <time>, at <time> and <time>'],
    ['numbers with thousands separators, not lists', 'read 1,216,000 rows of 1,2,3', 'read <num> rows of <num>,<num>,<num>'],
    [
      'ISO dates with their time and zone',
      'since 2016-09-28T04:30:30.123Z, 2016-09-28 04:30:30,123+02:00 or 2016/9/28',
      'since <date>, <date> or <date>',
    ],
    [
      'dates written out',
      '(Release Date: Fri Dec 10 19:02:14 EST 2004) due Jul 1, 2024 or May 5',
      '(Release Date: <date>) due <date> or <date>',
    ],
    ['a MAC address as one id, not a clock time', 'link 00:1a:2b:33:44:55 up', 'link <num>:<id>:<id>:<num>:<num>:<num> up'],
    ['month names and units without a number, left alone', 'May the ms of KB sec be short', 'May the ms of KB sec be short'],
    ['IPv6, bare and bracketed with a port', 'from fe80::1ff:fe23:4567:890a and [2001:db8::1]:8443', 'from <ip> and <ip>'],
    ['host names', 'cannot reach db-3.eu.internal:5432 nor mail.example.com', 'cannot reach <host> nor <host>'],
    ['a URL', 'GET https://api.example.com/v1/orders?id=7 failed', 'GET <url> failed'],
    ['Unix and Windows paths', 'cannot open /var/log/app/out.log or C:\\Temp\\x.txt', 'cannot open <path> or <path>'],
    ['a hex trace id', 'trace 4bf92f3577b34da6a3ce929d0e0e4736 lost', 'trace <hex> lost'],
    ['a 0x literal', 'bad pointer 0x1f at offset 0xDEADBEEF', 'bad pointer <hex> at offset <hex>'],
    ['a long decimal run as a number, not hex', 'card 4000000000000002 declined', 'card <num> declined'],
    ['an e-mail address', 'no account for jane.doe+pos@example.co.uk today', 'no account for <email> today'],
    ['short hex-looking words, left alone', 'cafe added beef', 'cafe added beef'],
    ['C++ scopes and class names, left alone', 'std::vector in com.shop.Checkout failed', 'std::vector in com.shop.Checkout failed'],
    [
      'packages whose parts look like host names, not as hosts',
      'java.io.IOException in org.example.app.Main, from mail.example.com.',
      'java.io.IOException in org.example.app.Main, from <host>.',
    ],
    ['a word running into a number through dots, as a word then a number', 'privileged instruction...0', 'privileged instruction...<num>'],
    [
      'quoted strings, kept (ids inside still masked)',
      `Cannot read properties of undefined (reading 'priceCents') for "ORD-7"`,
      `Cannot read properties of undefined (reading 'priceCents') for "<id>"`,
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

  it('masks dates of every weekday and month alike', () => {
    const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const masked = new Set(
      months.map((month, index) => maskMessage(`connection at ${weekdays[index % 7]} ${month} ${index + 1} 10:59:53 2005 refused`)),
    );
    expect([...masked]).toEqual(['connection at <date> refused']);
    expect(maskMessage('Sunday, March 3rd, 2024 and September 30 09:00:00')).toBe('<date> and <date>');
    // A word that begins like a weekday is no part of the date after it.
    expect(maskMessage('Monitor Jan 5 restarted')).toBe('Monitor <date> restarted');
  });

  it('masks a whole POS inventory message to the same text whatever the amounts', () => {
    const a = maskMessage('Only 12 unit(s) of product 101 in stock, 999 requested');
    const b = maskMessage('Only 0 unit(s) of product 104 in stock, 401 requested');
    expect(a).toBe(b);
    expect(a).toBe('Only <num> unit(s) of product <num> in stock, <num> requested');
  });

  it(`looks at the first ${MAX_MASKED_LENGTH} characters only, cut between words`, () => {
    const long = `Failed: ${'x'.repeat(MAX_MASKED_LENGTH)}`;
    expect(maskMessage(`${long} 1`)).toBe(maskMessage(`${long} 2`));
    expect(maskMessage(long)).toBe('Failed:');
    const words = 'word '.repeat(MAX_MASKED_LENGTH / 5);
    expect(maskMessage(`${words}tail`)).toBe(words.trimEnd());
    // A limit that falls on white space cuts there; a text without any is cut at the limit.
    const onSpace = `abc ${'word '.repeat(MAX_MASKED_LENGTH / 4)}`;
    expect(onSpace.charAt(MAX_MASKED_LENGTH)).toBe(' ');
    expect(maskMessage(onSpace)).toBe(onSpace.slice(0, MAX_MASKED_LENGTH));
    expect(maskMessage('x'.repeat(MAX_MASKED_LENGTH + 10))).toBe('x'.repeat(MAX_MASKED_LENGTH));
    // The id the limit falls in (at its 6th character) is left out whole, not kept as `blk_-`, a word without digits.
    const ids = `delete my blocks: ${'blk_-1608999687919862906 '.repeat(100)}`;
    expect(ids.length).toBeGreaterThan(MAX_MASKED_LENGTH);
    expect(maskMessage(ids)).toMatch(/^delete my blocks: <id>(?: <id>)*$/);
  });
});
