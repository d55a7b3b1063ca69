import { describe, expect, it } from 'vitest';
import { topStackFrame } from '../../src/group/topStackFrame.ts';

describe('topStackFrame', () => {
  it.each([
    [
      'a V8 frame with a file URL',
      "TypeError: Cannot read properties of undefined (reading 'priceCents')\n    at OrderService.place (file:///app/demo-pos/src/orders/OrderService.ts:61:27)\n    at next (x.ts:1:1)",
      'OrderService.place (OrderService.ts)',
    ],
    ['an anonymous frame', 'Error: x\n    at /srv/app/dist/main.js:12:5', '<anonymous> (main.js)'],
    ['an async frame', 'Error: x\n    at async Promise.all (index 0)', 'async Promise.all (index 0)'],
    ['a constructor frame', 'Error\n    at new Catalogue (C:\\app\\src\\Catalogue.ts:20:11)', 'new Catalogue (Catalogue.ts)'],
    [
      'a node internal frame',
      'Error\n    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      'process.processTicksAndRejections (task_queues)',
    ],
    [
      'a JVM frame',
      'java.lang.IllegalStateException: no price\n\tat com.shop.Checkout.total(Checkout.java:42)\n\tat com.shop.Main.main(Main.java:7)',
      'com.shop.Checkout.total (Checkout.java)',
    ],
    ['a native frame', 'Error\n    at Array.map (native)', 'Array.map (native)'],
    ['a URL with a query', 'Error\n    at render (https://cdn.example.com/app.js?v=3:1:200)', 'render (app.js)'],
  ])('reads %s', (_case, stack, expected) => {
    expect(topStackFrame(stack)).toBe(expected);
  });

  it('ignores line and column, so a redeploy keeps the frame', () => {
    const before = 'Error\n    at Catalogue.priceOf (file:///app/src/catalogue/Catalogue.ts:31:13)';
    const after = 'Error\n    at Catalogue.priceOf (file:///opt/release-42/src/catalogue/Catalogue.ts:35:9)';
    expect(topStackFrame(before)).toBe(topStackFrame(after));
  });

  it('is empty without a stack or an `at` frame', () => {
    expect(topStackFrame(undefined)).toBe('');
    expect(topStackFrame('')).toBe('');
    expect(topStackFrame('Traceback (most recent call last):\n  File "x.py", line 3, in f')).toBe('');
  });
});
