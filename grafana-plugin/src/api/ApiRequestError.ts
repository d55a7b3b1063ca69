/** An error answer of the receiver (its `{ statusCode, code, message }` body) or of the proxy in front of it. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static from(status: number, data: unknown): ApiRequestError {
    const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
    const message =
      typeof body.message === 'string' && body.message !== ''
        ? body.message
        : status === 0
          ? 'the receiver could not be reached'
          : `the receiver answered HTTP ${status}`;
    return new ApiRequestError(status, code, message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
