import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';

/** The `exception.*` attributes of a thrown value, per the OTel exception semantic conventions. */
export interface ExceptionAttributes {
  [ATTR_EXCEPTION_TYPE]?: string;
  [ATTR_EXCEPTION_MESSAGE]: string;
  [ATTR_EXCEPTION_STACKTRACE]?: string;
}

/**
 * Describes anything a `catch` can receive. Error-like objects are read by duck typing so an
 * error from another realm (vm, worker, a second copy of a library) is still described fully.
 */
export function exceptionAttributes(thrown: unknown): ExceptionAttributes {
  if (typeof thrown === 'object' && thrown !== null) return describeObject(thrown);
  // A thrown string or number carries no type or stack; its text is the whole story.
  return { [ATTR_EXCEPTION_MESSAGE]: String(thrown) };
}

function describeObject(thrown: object): ExceptionAttributes {
  const { name, message, stack } = thrown as { name?: unknown; message?: unknown; stack?: unknown };
  const type = exceptionType(thrown, name);
  const text = typeof message === 'string' ? message : safeJson(thrown);
  return {
    ...(type === undefined ? {} : { [ATTR_EXCEPTION_TYPE]: type }),
    [ATTR_EXCEPTION_MESSAGE]: text,
    ...(typeof stack === 'string' ? { [ATTR_EXCEPTION_STACKTRACE]: stack } : {}),
  };
}

/**
 * A deliberate `name` (TypeError, AbortError) names the type best; a subclass that kept the
 * inherited name 'Error' is better known by its class, which is what groups incidents apart.
 */
function exceptionType(thrown: object, name: unknown): string | undefined {
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  const className = (thrown as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof className === 'string' && className !== '' && className !== 'Object') return className;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular or BigInt-bearing objects cannot be serialised; their tag still says something.
    return Object.prototype.toString.call(value);
  }
}
