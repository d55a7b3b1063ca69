import { randomUUID } from 'node:crypto';
import { lastFour, passesLuhn } from './cardNumber.ts';

/** Test cards with a fixed answer, in the convention card processors use for their sandboxes. */
export const TestCards = {
  APPROVED: '4242424242424242',
  DECLINED: '4000000000000002',
  INSUFFICIENT_FUNDS: '4000000000009995',
} as const;

const fixedDeclines: ReadonlyMap<string, string> = new Map([
  [TestCards.DECLINED, 'card_declined: the issuer declined the card'],
  [TestCards.INSUFFICIENT_FUNDS, 'insufficient_funds: the card has insufficient funds'],
]);

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  cardNumber: string;
}

export type ChargeResult =
  { approved: true; authorizationId: string; cardLast4: string } | { approved: false; reason: string; cardLast4: string };

export interface PaymentGatewayOptions {
  /** Share of otherwise good payments the gateway fails, from 0 to 1 (an unreliable upstream). */
  failureRate?: number;
  /** Uniform in [0, 1); injectable so tests can decide the dice. */
  random?: () => number;
}

/** A card payment processor in miniature: some cards always decline, and the upstream is flaky. */
export class PaymentGateway {
  readonly #failureRate: number;
  readonly #random: () => number;

  constructor(options: PaymentGatewayOptions = {}) {
    const failureRate = options.failureRate ?? 0;
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new RangeError(`Payment failure rate must be between 0 and 1, got ${failureRate}`);
    }
    this.#failureRate = failureRate;
    this.#random = options.random ?? Math.random;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const cardLast4 = lastFour(request.cardNumber);
    const reason = this.#declineReason(request.cardNumber);
    if (reason) return { approved: false, reason, cardLast4 };
    return { approved: true, authorizationId: `AUTH-${randomUUID().slice(0, 8).toUpperCase()}`, cardLast4 };
  }

  #declineReason(cardNumber: string): string | undefined {
    if (!passesLuhn(cardNumber)) return 'invalid_number: the card number fails its checksum';
    const fixed = fixedDeclines.get(cardNumber);
    if (fixed) return fixed;
    if (this.#random() < this.#failureRate) return 'processing_error: the upstream processor timed out';
    return undefined;
  }
}
