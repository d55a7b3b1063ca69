/**
 * An incident's title is its message template: the variable parts of the messages replaced by
 * typed placeholders (processor/src/group/maskMessage.ts: `<num>`, `<id>`, `<uuid>`, `<ip>`,
 * `<host>`, `<url>`, `<path>`, `<email>`, `<hex>`, `<date>`, `<size>`, `<duration>`, `<time>`) and `<*>` where the template miner found the
 * messages differ (processor/src/group/TemplateMiner.ts). Any `<word>` is taken as a placeholder,
 * so a kind added later still shows as a variable.
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; text: string; name: string };

const PLACEHOLDER = /<(\*|[a-z]+)>/g;

/** What each placeholder stands for, for a tooltip. */
const MEANING: Record<string, string> = {
  num: 'a number',
  id: 'an id (letters and digits)',
  uuid: 'a UUID',
  ip: 'an IP address',
  host: 'a host name',
  url: 'a URL',
  path: 'a file path',
  email: 'an e-mail address',
  hex: 'a hexadecimal value',
  date: 'a date (and time)',
  size: 'a size (bytes)',
  duration: 'a duration',
  time: 'a clock time',
  '*': 'a part that differs between messages',
};

export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ kind: 'text', text: template.slice(last, match.index) });
    parts.push({ kind: 'variable', text: match[0], name: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}

/** Whether the plugin knows what this placeholder stands for (else the tooltip says "a variable"). */
export function isKnownPlaceholder(name: string): boolean {
  return Object.hasOwn(MEANING, name);
}

export function placeholderMeaning(name: string): string {
  return MEANING[name] ?? `a variable (${name})`;
}

/**
 * The storm guard's incident (processor/src/group/IncidentTracker.ts `#startStorm`) is titled
 * `Storm: more than N new incidents of rule R in S within W s (first: …)`. The REST API has no
 * other mark of it; the live `storm` event has one, which the live table uses when it saw it.
 */
export function isStormTitle(title: string): boolean {
  return title.startsWith('Storm: ');
}
