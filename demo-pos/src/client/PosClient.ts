import type { OrderRequest } from '../orders/Order.ts';
import type { OrderResult, ProductView, StoreView } from './apiTypes.ts';

/** The POS did not answer at all: not running, wrong URL, or too slow. */
export class PosUnreachableError extends Error {
  override readonly name = 'PosUnreachableError';
  readonly baseUrl: string;

  constructor(baseUrl: string, reason: string) {
    super(`Cannot reach the POS at ${baseUrl} (${reason})`);
    this.baseUrl = baseUrl;
  }
}

export interface PosClientOptions {
  /** Per request; a POS that takes longer counts as unreachable. Default 5000. */
  timeoutMs?: number;
}

/** The POS's HTTP API as the CLI and the traffic generator use it: the same door as any till. */
export class PosClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, options: PosClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async placeOrder(order: OrderRequest): Promise<OrderResult> {
    const response = await this.#request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    return { status: response.status, body: await response.json() } as OrderResult;
  }

  async products(): Promise<ProductView[]> {
    return (await this.#getOk('/api/products')) as ProductView[];
  }

  async stores(): Promise<StoreView[]> {
    return (await this.#getOk('/api/stores')) as StoreView[];
  }

  async #getOk(path: string): Promise<unknown> {
    const response = await this.#request(path, { method: 'GET' });
    if (!response.ok) throw new Error(`GET ${path} answered HTTP ${response.status}`);
    return response.json();
  }

  async #request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      throw new PosUnreachableError(this.baseUrl, reasonOf(error));
    }
  }
}

/** fetch hides the interesting part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function reasonOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in time';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error instanceof Error ? error.message : String(error);
}
