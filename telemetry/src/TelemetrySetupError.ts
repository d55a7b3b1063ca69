/** Stable codes so callers can tell configuration mistakes apart without parsing messages. */
export type TelemetrySetupErrorCode = 'ALREADY_SET_UP' | 'UNSUPPORTED_PROTOCOL' | 'INVALID_ENDPOINT';

/** Thrown by `setupTelemetry` for a configuration it cannot honour; never thrown while logging. */
export class TelemetrySetupError extends Error {
  readonly code: TelemetrySetupErrorCode;

  constructor(code: TelemetrySetupErrorCode, message: string) {
    super(message);
    this.name = 'TelemetrySetupError';
    this.code = code;
  }
}
