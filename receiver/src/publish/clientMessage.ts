import { parseFilter } from './liveFilter.ts';
import type { LiveFilter } from './types.ts';

/** What a client may send: `{ "type": "subscribe", "filters": { ... } }`. */
export type ClientMessage = { type: 'subscribe'; filters: LiveFilter };

export type ClientMessageResult = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Parses one text frame from a client; every refusal says what was wrong. */
export function parseClientMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ClientMessageResult {
  if (isBinary) return { ok: false, error: 'binary messages are not accepted; send JSON text' };
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the message is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: 'a message must be a JSON object with a "type"' };
  }
  const { type, filters, ...rest } = parsed as Record<string, unknown>;
  if (type !== 'subscribe') {
    return { ok: false, error: `unknown message type ${JSON.stringify(type ?? null)}; the only type is "subscribe"` };
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) return { ok: false, error: `unknown field "${extra[0]}" in a subscribe message` };
  const filter = parseFilter(filters);
  if (!filter.ok) return { ok: false, error: filter.message };
  return { ok: true, message: { type: 'subscribe', filters: filter.filter } };
}
