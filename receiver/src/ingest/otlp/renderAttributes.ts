import { compareUtf8 } from './goFormat.ts';
import { jsonString } from './jsonString.ts';
import { renderAnyValue } from './renderValue.ts';
import type { KeyValue } from './types.ts';

/**
 * The layout of one list of attribute keys: which entries to render, in which order.
 * Records of a batch usually carry the same few key lists, so a layout is worked out once
 * and reused — sorting and interning keys per record was the costliest part of rendering.
 */
interface KeyLayout {
  /** The keys as they came, to recognise the next list with the same keys. */
  readonly keys: readonly string[];
  /**
   * Indexes into the attribute list, without overridden duplicates, in the order the keys
   * of the rendered object enumerate (so the object and its JSON text list them alike).
   */
  readonly order: readonly number[];
  /** The output keys (interned), parallel to `order`. */
  readonly outputKeys: readonly string[];
  /** Indexes into the attribute list for the JSON text: every entry, repeated keys included, in UTF-8 byte order of the keys. */
  readonly jsonOrder: readonly number[];
  /** `{"key":` for the first entry and `,"key":` for the others, parallel to `jsonOrder`. */
  readonly jsonKeys: readonly string[];
  /** An object with the output keys in output order, cloned for each record. */
  readonly template: Readonly<Record<string, string>>;
}

/** Key lists remembered per renderer: a batch mixes a few (records with and without errors). */
const REMEMBERED_LAYOUTS = 4;

/**
 * Renders attribute lists as the exporter's Map(String, String) columns: every value through
 * AsString, keys in UTF-8 byte order (the exporter hands ClickHouse an ordered map sorted that
 * way, clickhouse-go's orderedmap.CollectN in exporter/clickhouseexporter/internal/util.go,
 * v0.165.0).
 *
 * The JSON text (`renderJson`, what is stored) is the exporter's map entry for entry: a repeated
 * key — which OTLP forbids, but pdata keeps — gives one entry per occurrence, in arrival order
 * (the exporter's sort is stable for the few entries such lists have), and ClickHouse keeps
 * them all (`m['k']` then reads the first). The object (`render`, for the processor) can hold
 * a key once: the last value wins, and keys that look like array indexes ("0", "42") come
 * first, as JavaScript objects list them.
 *
 * Keep one renderer per batch: it remembers the last key layouts it saw.
 */
export class AttributeRenderer {
  readonly #layouts: KeyLayout[] = [];
  #nextSlot = 0;

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

  /**
   * The map as JSON text, as the exporter stores it: byte for byte what
   * `JSON.stringify(this.render(attributes))` writes when no key repeats and none looks like an
   * array index, without building the object.
   */
  renderJson(attributes: readonly KeyValue[]): string {
    if (attributes.length === 0) return '{}';
    const { jsonOrder, jsonKeys } = this.#layoutFor(attributes);
    let json = '';
    for (let i = 0; i < jsonOrder.length; i++) {
      json += (jsonKeys[i] ?? '') + jsonString(renderAnyValue(attributes[jsonOrder[i] ?? 0]?.value));
    }
    return json + '}';
  }

  #layoutFor(attributes: readonly KeyValue[]): KeyLayout {
    const layouts = this.#layouts;
    for (let i = 0; i < layouts.length; i++) {
      const layout = layouts[i]!;
      if (sameKeys(layout.keys, attributes)) return layout;
    }
    const layout = buildLayout(attributes);
    layouts[this.#nextSlot] = layout;
    this.#nextSlot = (this.#nextSlot + 1) % REMEMBERED_LAYOUTS;
    return layout;
  }
}

/** Renders one attribute list; use an AttributeRenderer for many. */
export function renderAttributes(attributes: readonly KeyValue[]): Record<string, string> {
  return new AttributeRenderer().render(attributes);
}

/** Renders one attribute list as the stored map's JSON text; use an AttributeRenderer for many. */
export function renderAttributesJson(attributes: readonly KeyValue[]): string {
  return new AttributeRenderer().renderJson(attributes);
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
  const indexOfKey = new Map<string, number>();
  const template: Record<string, string> = {};
  for (let i = 0; i < sorted.length; i++) {
    const index = sorted[i] ?? 0;
    const key = keys[index] ?? '';
    if (keys[sorted[i + 1] ?? -1] === key) continue;
    indexOfKey.set(key, index);
    defineEntry(template, key, '');
  }
  // The object decides its own order (index-like keys first); the JSON keeps the byte order.
  const outputKeys = Object.keys(template);
  const order = outputKeys.map((key) => indexOfKey.get(key) ?? 0);
  const jsonKeys = sorted.map((index, i) => `${i === 0 ? '{' : ','}${jsonString(keys[index] ?? '')}:`);
  return { keys, order, outputKeys, jsonOrder: sorted, jsonKeys, template };
}

/** Plain assignment of "__proto__" would try to replace the prototype and drop the entry. */
function defineEntry(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
