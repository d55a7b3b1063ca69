/**
 * The request cannot be decoded: the receiver answers 400, which OTLP clients treat as
 * permanent. Only throw it for input a retry could never fix.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
