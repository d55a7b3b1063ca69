import { compareUtf8 } from './goFormat.ts';
import { renderAnyValue } from './renderValue.ts';
import type { KeyValue } from './types.ts';

/**
 * The layout of one list of attribute keys: which entries to render, in which order.
 * Records of a batch usually carry the same keys in the same order, so the layout is worked
 * out once and reused — sorting and interning keys per record was the costliest part of
 * rendering.
 */
interface KeyLayout {
  /** The keys as they came, to recognise the next list with the same keys. */
  readonly keys: readonly string[];
  /** Indexes into the attribute list, in output order, without overridden duplicates. */
  readonly order: readonly number[];
  /** The output keys (interned), parallel to `order`. */
  readonly outputKeys: readonly string[];
  /** An object with the output keys in output order, cloned for each record. */
  readonly template: Readonly<Record<string, string>>;
}

/**
 * Renders attribute lists as the exporter's Map(String, String) columns: every value through
 * AsString, keys in UTF-8 byte order (the exporter hands ClickHouse an ordered map sorted that
 * way). A repeated key — which OTLP forbids — keeps its last value here; the exporter would
 * store both entries. Keys that look like array indexes ("0", "42") are listed first by
 * JavaScript objects whatever the insertion order.
 *
 * Keep one renderer per batch: it remembers the last key layout it saw.
 */
export class AttributeRenderer {
  #layout: KeyLayout | undefined;

  render(attributes: readonly KeyValue[]): Record<string, string> {
    if (attributes.length === 0) return {};
    const layout = this.#layoutFor(attributes);
    const record = { ...layout.template };
    const { order, outputKeys } = layout;
    for (let i = 0; i < order.length; i++) {
      const key = outputKeys[i] ?? '';
      const value = renderAnyValue(attributes[order[i] ?? 0]?.value);
      if (key === '__proto__') defineEntry(record, key, value);
      else record[key] = value;
    }
    return record;
  }

  #layoutFor(attributes: readonly KeyValue[]): KeyLayout {
    const cached = this.#layout;
    if (cached && sameKeys(cached.keys, attributes)) return cached;
    const layout = buildLayout(attributes);
    this.#layout = layout;
    return layout;
  }
}

/** Renders one attribute list; use an AttributeRenderer for many. */
export function renderAttributes(attributes: readonly KeyValue[]): Record<string, string> {
  return new AttributeRenderer().render(attributes);
}

/** The first value under `key` rendered as text, as pdata's Map.Get + AsString; '' if none. */
export function renderFirstAttribute(attributes: readonly KeyValue[], key: string): string {
  for (const attribute of attributes) {
    if (attribute.key === key) return renderAnyValue(attribute.value);
  }
  return '';
}

function sameKeys(keys: readonly string[], attributes: readonly KeyValue[]): boolean {
  if (keys.length !== attributes.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== attributes[i]?.key) return false;
  }
  return true;
}

function buildLayout(attributes: readonly KeyValue[]): KeyLayout {
  const keys = attributes.map((attribute) => attribute.key);
  // A stable sort keeps equal keys in arrival order; the last of each run wins.
  const sorted = keys.map((_, index) => index).sort((a, b) => compareUtf8(keys[a] ?? '', keys[b] ?? ''));
  const order: number[] = [];
  const outputKeys: string[] = [];
  const template: Record<string, string> = {};
  for (let i = 0; i < sorted.length; i++) {
    const index = sorted[i] ?? 0;
    const key = keys[index] ?? '';
    if (keys[sorted[i + 1] ?? -1] === key) continue;
    order.push(index);
    outputKeys.push(key);
    defineEntry(template, key, '');
  }
  return { keys, order, outputKeys, template };
}

/** Plain assignment of "__proto__" would try to replace the prototype and drop the entry. */
function defineEntry(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
