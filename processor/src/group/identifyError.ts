import type { Detection, GroupingKey } from '../types.ts';
import { fingerprint } from './fingerprint.ts';
import { maskMessage } from './maskMessage.ts';
import { type MinedTemplate, TemplateMiner, type TemplateMinerOptions } from './TemplateMiner.ts';
import { topStackFrame } from './topStackFrame.ts';

/** What the group stage knows about a detection: its fingerprint and the parts behind it. */
export interface ErrorIdentity {
  fingerprint: string;
  /** The message's template: maskMessage's placeholders, `<*>` where the miner saw it vary. */
  template: string;
  exceptionType: string;
  topFrame: string;
  /** The fingerprint the same template had before this detection generalised it; undefined when it did not. */
  previousFingerprint: string | undefined;
}

/** A template as persisted and shared between receivers: enough to mine on and to resolve its fingerprint. */
export interface KnownTemplate {
  /** The miner's scope: service, error type and exception type, NUL-separated. */
  scope: string;
  template: string;
}

/** Raw inputs up to this length are remembered: a storm usually repeats one message verbatim. */
const MAX_CACHED_KEY_LENGTH = 1024;
const MAX_CACHED_IDENTITIES = 10_000;

interface CachedIdentity {
  template: MinedTemplate;
  parts: Omit<ErrorIdentity, 'fingerprint' | 'template' | 'previousFingerprint'> & { service: string; errorType: string; groupKey: string };
  /** The fingerprint for the template's text when it was computed. */
  text: string;
  fingerprint: string;
}

/**
 * The group stage's message key: masks the message (maskMessage), mines its template
 * (TemplateMiner, one tree per service, error type and exception type), and hashes the
 * template with the other parts into the fingerprint. The message is the body, or
 * `exception.message` when the body is empty; the stack is `exception.stacktrace`.
 *
 * A rule's `group` key decides what else tells incidents apart (`by`: attribute values) and
 * whether the template does (`template: false`: one incident per key, whatever the message).
 *
 * Identical raw inputs (the same message in a storm) are answered from a small cache, emptied
 * whole when full: a message equal to one already mined cannot generalise its template.
 */
export class ErrorIdentifier {
  readonly miner: TemplateMiner;
  readonly #cache = new Map<string, CachedIdentity>();
  /** Templates created or generalised since takeChanged, with the text each had before. */
  readonly #changed = new Map<MinedTemplate, string | undefined>();

  constructor(options: Partial<TemplateMinerOptions> = {}) {
    this.miner = new TemplateMiner(options);
  }

  identify(detection: Detection): ErrorIdentity {
    const { record, errorType } = detection;
    const attributes = record.LogAttributes;
    const message = record.Body !== '' ? record.Body : (attributes['exception.message'] ?? '');
    const exceptionType = attributes['exception.type'] ?? '';
    const stack = attributes['exception.stacktrace'] ?? '';
    const groupKey = groupKeyOf(detection.rule.group, attributes);
    const key = `${record.ServiceName}\u0000${errorType}\u0000${exceptionType}\u0000${groupKey}\u0000${message}\u0000${stack}`;
    const cacheable = key.length <= MAX_CACHED_KEY_LENGTH;
    const usesTemplate = detection.rule.group?.template !== false;
    if (cacheable) {
      const known = this.#cache.get(key);
      if (known !== undefined) {
        known.template.count += 1;
        return this.#identity(known, usesTemplate, undefined);
      }
    }
    const scope = scopeOf(record.ServiceName, errorType, exceptionType);
    const mined = this.miner.mine(scope, maskMessage(message));
    if (mined.created || mined.previousText !== undefined) {
      // The text it had when last saved is what the store must replace: keep the first one.
      if (!this.#changed.has(mined.template)) this.#changed.set(mined.template, mined.created ? undefined : mined.previousText);
    }
    const entry: CachedIdentity = {
      template: mined.template,
      parts: { service: record.ServiceName, errorType, exceptionType, topFrame: topStackFrame(stack), groupKey },
      text: '',
      fingerprint: '',
    };
    const previous = mined.previousText === undefined ? undefined : this.#fingerprintOf(entry, mined.previousText, usesTemplate);
    if (cacheable) {
      if (this.#cache.size >= MAX_CACHED_IDENTITIES) this.#cache.clear();
      this.#cache.set(key, entry);
    }
    return this.#identity(entry, usesTemplate, previous);
  }

  /** Loads templates known elsewhere, so that a message matching one gets its fingerprint. */
  seed(templates: Iterable<KnownTemplate>): void {
    for (const { scope, template } of templates) this.miner.seed(scope, template);
  }

  /** Every template known. */
  templates(): KnownTemplate[] {
    return [...this.miner.templates()].map((template) => ({ scope: template.scope, template: template.text }));
  }

  /** Templates created or generalised since the last call, to persist and share. */
  takeChanged(): Array<KnownTemplate & { replaces?: string }> {
    const changed = [...this.#changed].map(([template, replaces]) =>
      replaces === undefined || replaces === template.text
        ? { scope: template.scope, template: template.text }
        : { scope: template.scope, template: template.text, replaces },
    );
    this.#changed.clear();
    return changed;
  }

  /** Puts back what takeChanged answered when saving it failed. */
  restoreChanged(templates: ReadonlyArray<KnownTemplate & { replaces?: string }>): void {
    for (const { scope, template, replaces } of templates) {
      const known = this.miner.find(scope, template);
      if (known !== undefined && !this.#changed.has(known)) this.#changed.set(known, replaces);
    }
  }

  #identity(entry: CachedIdentity, usesTemplate: boolean, previousFingerprint: string | undefined): ErrorIdentity {
    const text = entry.template.text;
    if (entry.text !== text || entry.fingerprint === '') {
      entry.fingerprint = this.#fingerprintOf(entry, text, usesTemplate);
      entry.text = text;
    }
    const { exceptionType, topFrame } = entry.parts;
    return {
      fingerprint: entry.fingerprint,
      template: text,
      exceptionType,
      topFrame,
      previousFingerprint: previousFingerprint === entry.fingerprint ? undefined : previousFingerprint,
    };
  }

  #fingerprintOf(entry: CachedIdentity, text: string, usesTemplate: boolean): string {
    const { service, errorType, exceptionType, topFrame, groupKey } = entry.parts;
    return fingerprint({ service, errorType, exceptionType, maskedMessage: usesTemplate ? text : '', topFrame, groupKey });
  }
}

/** The miner's scope: templates never mix services, error types or exception types. */
export function scopeOf(service: string, errorType: string, exceptionType: string): string {
  return `${service}\u0000${errorType}\u0000${exceptionType}`;
}

/** `name=value` of each `by` attribute, in the rule's order; '' without a key. */
function groupKeyOf(group: GroupingKey | undefined, attributes: Readonly<Record<string, string>>): string {
  if (group?.by === undefined || group.by.length === 0) return '';
  return group.by.map((name) => `${name}=${attributes[name] ?? ''}`).join('\u0000');
}
