import { AsyncLocalStorage } from 'node:async_hooks';
import type { OutboundFetch } from './OutboundPolicy.ts';

const scope = new AsyncLocalStorage<OutboundFetch>();
let installed = false;

/**
 * Runs `call` with the global fetch replaced, for that call's async context only, by `fetchImpl`.
 * jira.js 6.2 sends every request through the global `fetch` and takes no fetch or dispatcher
 * of its own (core/createClient.ts, `return fetch(fullUrl, init)`), so this is how its calls get
 * the outbound policy; every other fetch in the process keeps the original.
 */
export function withGlobalFetch<T>(fetchImpl: OutboundFetch, call: () => Promise<T>): Promise<T> {
  if (!installed) {
    const original = globalThis.fetch;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => (scope.getStore() ?? original)(input, init)) as typeof fetch;
    installed = true;
  }
  return scope.run(fetchImpl, call);
}
