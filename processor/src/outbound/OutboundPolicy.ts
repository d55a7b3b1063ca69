import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { OutboundRefusedError } from './OutboundRefusedError.ts';
import { privateAddressKind } from './privateAddress.ts';

/** The variable that lets admin-set URLs reach private addresses (a self-hosted Jira, a local model, the tests' doubles). */
export const ALLOW_PRIVATE_TARGETS = 'STACKLENS_ALLOW_PRIVATE_TARGETS';

const HINT = `set ${ALLOW_PRIVATE_TARGETS}=true to allow private targets (a self-hosted Jira, a local model)`;
/** Same-origin redirects followed before giving up. */
const MAX_REDIRECTS = 5;

export type OutboundFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * How the receiver calls URLs an admin typed in (the Jira site, an OpenAI-compatible endpoint):
 * unless private targets are allowed, a URL whose host is, or resolves to, a loopback,
 * private, link-local or otherwise internal address is refused — checked on the address
 * actually connected to, so a DNS answer that changes between check and call changes nothing —
 * and a redirect to another origin is refused whatever the setting, so a peer cannot send the
 * call (and what it answers) elsewhere.
 */
export class OutboundPolicy {
  readonly allowPrivate: boolean;
  readonly fetch: OutboundFetch;
  readonly #agent: Agent;

  constructor(options: { allowPrivate: boolean }) {
    this.allowPrivate = options.allowPrivate;
    this.#agent = new Agent({ connect: { lookup: this.allowPrivate ? dnsLookup : guardedLookup } });
    this.fetch = (input, init) => this.#fetch(input, init);
  }

  /** The policy STACKLENS_ALLOW_PRIVATE_TARGETS asks for (`true` allows; anything else but empty or `false` is an error). */
  static fromEnv(env: Record<string, string | undefined> = process.env): OutboundPolicy {
    const raw = env.STACKLENS_ALLOW_PRIVATE_TARGETS ?? '';
    if (raw !== '' && raw !== 'true' && raw !== 'false') {
      throw new OutboundRefusedError(`${ALLOW_PRIVATE_TARGETS}=${JSON.stringify(raw)}: expected true or false`);
    }
    return new OutboundPolicy({ allowPrivate: raw === 'true' });
  }

  /**
   * Refuses a URL whose host is written as a private address (in any notation the URL parser
   * accepts: `0x7f.1`, `2130706433` and `[::ffff:7f00:1]` all become what they mean) or is
   * `localhost`. Names that resolve to private addresses are refused when connecting.
   * @throws OutboundRefusedError
   */
  check(url: string | URL): URL {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new OutboundRefusedError(`${parsed.protocol} URLs are not called: use http or https`);
    }
    if (this.allowPrivate) return parsed;
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const kind = host === 'localhost' || host.endsWith('.localhost') ? 'a loopback name' : privateAddressKind(host);
    if (kind) throw new OutboundRefusedError(`${parsed.host} is ${kind}: ${HINT}`);
    return parsed;
  }

  async #fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    // Bodies here are text (JSON), so a followed redirect can send the same init again.
    const request = input instanceof Request ? input : undefined;
    let url = this.check(request ? request.url : input.toString());
    const base = request ? { method: request.method, headers: request.headers, signal: request.signal, body: await request.text() } : {};
    const origin = url.origin;
    for (let hop = 0; ; hop++) {
      const response = (await undiciFetch(url, {
        ...(base as object),
        ...(init as object),
        redirect: 'manual',
        dispatcher: this.#agent,
      })) as unknown as Response;
      if (response.status < 300 || response.status > 399 || !response.headers.has('location')) return response;
      const next = new URL(response.headers.get('location')!, url);
      await response.body?.cancel();
      const method = (init.method ?? base.method ?? 'GET').toUpperCase();
      if (next.origin !== origin) throw new OutboundRefusedError(`the peer redirected to another origin (${next.origin}): not followed`);
      if (hop >= MAX_REDIRECTS) throw new OutboundRefusedError(`more than ${MAX_REDIRECTS} redirects: not followed`);
      if (response.status !== 307 && response.status !== 308 && method !== 'GET' && method !== 'HEAD') {
        throw new OutboundRefusedError(`the peer answered ${method} with a ${response.status} redirect: not followed`);
      }
      url = this.check(next);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** dns.lookup, refusing a name any of whose addresses is private (a name that mixes both is refused too). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find(({ address }) => privateAddressKind(address) !== undefined);
    if (refused) {
      const why = new OutboundRefusedError(`${hostname} resolves to ${refused.address}, ${privateAddressKind(refused.address)}: ${HINT}`);
      return callback(Object.assign(why, { code: 'ESTACKLENS_PRIVATE_TARGET' }) as NodeJS.ErrnoException, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    return callback(null, first!.address, first!.family);
  });
};
