import { describe, expect, it } from 'vitest';
import { exceptionAttributes } from '../src/exceptionAttributes.ts';

class InventoryShortageError extends Error {}

class NamedConfigError extends Error {
  override name = 'InvalidStoreConfig';
}

describe('exceptionAttributes', () => {
  it('names a subclass that kept the inherited name by its class', () => {
    const error = new InventoryShortageError('only 2 left');
    expect(exceptionAttributes(error)).toEqual({
      'exception.type': 'InventoryShortageError',
      'exception.message': 'only 2 left',
      'exception.stacktrace': error.stack,
    });
  });

  it('prefers a deliberate name over the class name', () => {
    expect(exceptionAttributes(new NamedConfigError('no tax rate'))['exception.type']).toBe('InvalidStoreConfig');
    expect(exceptionAttributes(new TypeError('x is undefined'))['exception.type']).toBe('TypeError');
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(exceptionAttributes(aborted)['exception.type']).toBe('AbortError');
  });

  it('calls a plain Error an Error', () => {
    expect(exceptionAttributes(new Error('plain'))['exception.type']).toBe('Error');
  });

  it('reads error-like objects from another realm by duck typing', () => {
    const foreign = { name: 'FetchError', message: 'socket hang up', stack: 'FetchError: socket hang up\n    at x' };
    expect(exceptionAttributes(foreign)).toEqual({
      'exception.type': 'FetchError',
      'exception.message': 'socket hang up',
      'exception.stacktrace': 'FetchError: socket hang up\n    at x',
    });
  });

  it('serialises a thrown plain object as the message, without inventing a type', () => {
    expect(exceptionAttributes({ code: 'E_DECLINED', amount: 12.5 })).toEqual({
      'exception.message': '{"code":"E_DECLINED","amount":12.5}',
    });
  });

  it('survives objects JSON cannot serialise', () => {
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(exceptionAttributes(circular)).toEqual({ 'exception.message': '[object Object]' });
    expect(exceptionAttributes({ big: 10n })['exception.message']).toBe('[object Object]');
  });

  it('keeps the class of an object without a message', () => {
    class Refusal {
      reason = 'closed';
    }
    expect(exceptionAttributes(new Refusal())).toEqual({
      'exception.type': 'Refusal',
      'exception.message': '{"reason":"closed"}',
    });
  });

  it.each([
    ['a string', 'card reader offline', 'card reader offline'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
  ])('turns %s into a message only', (_label, thrown, message) => {
    expect(exceptionAttributes(thrown)).toEqual({ 'exception.message': message });
  });
});
