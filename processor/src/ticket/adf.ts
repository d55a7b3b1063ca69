/**
 * Just enough Atlassian Document Format for tickets: headings, paragraphs, lists, code
 * blocks and text with bold and link marks. Jira's REST v3 takes descriptions and comments
 * only in this form.
 */

export interface AdfMark {
  type: 'strong' | 'code' | 'link';
  attrs?: { href: string };
}

export type AdfText = {
  type: 'text';
  text: string;
  marks?: AdfMark[];
};

export type AdfBlock = {
  type: 'paragraph' | 'heading' | 'bulletList' | 'orderedList' | 'listItem' | 'codeBlock' | 'rule';
  attrs?: Record<string, string | number>;
  content?: Array<AdfBlock | AdfText>;
};

// A type alias, not an interface: jira.js's document type is an open record, which only aliases satisfy.
export type AdfDocument = {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
};

/** Text nodes must not be empty in ADF: an empty string becomes no node. */
export function text(value: string, ...marks: AdfMark[]): AdfText[] {
  if (value === '') return [];
  return [marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value }];
}

export function bold(value: string): AdfText[] {
  return text(value, { type: 'strong' });
}

export function link(value: string, href: string): AdfText[] {
  return text(value, { type: 'link', attrs: { href } });
}

export function code(value: string): AdfText[] {
  return text(value, { type: 'code' });
}

export function paragraph(...parts: AdfText[][]): AdfBlock {
  return { type: 'paragraph', content: parts.flat() };
}

export function heading(level: 2 | 3, value: string): AdfBlock {
  return { type: 'heading', attrs: { level }, content: text(value) };
}

export function bulletList(items: AdfText[][][]): AdfBlock {
  return { type: 'bulletList', content: items.map((parts) => ({ type: 'listItem', content: [paragraph(...parts)] })) };
}

export function orderedList(items: AdfText[][][]): AdfBlock {
  return { type: 'orderedList', content: items.map((parts) => ({ type: 'listItem', content: [paragraph(...parts)] })) };
}

export function codeBlock(value: string): AdfBlock {
  return { type: 'codeBlock', attrs: {}, content: text(value) };
}

export function doc(blocks: AdfBlock[]): AdfDocument {
  return { type: 'doc', version: 1, content: blocks };
}

/**
 * Cuts text to at most `max` UTF-16 units (what Jira counts), marking the cut with an ellipsis
 * and never splitting a surrogate pair.
 */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = Math.max(0, max - 1);
  const last = value.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}
