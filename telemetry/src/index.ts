// The one public surface of @stacklens/telemetry; everything else in src/ is internal.
export { setupTelemetry } from './setupTelemetry.ts';
export type { Telemetry } from './Telemetry.ts';
export type { BatchOptions, OtlpHttpProtocol, TelemetryOptions } from './TelemetryOptions.ts';
export type { LogAttributes, StackLensLogger } from './StackLensLogger.ts';
export { PosAttributes } from './PosAttributes.ts';
export { TelemetrySetupError } from './TelemetrySetupError.ts';
export type { TelemetrySetupErrorCode } from './TelemetrySetupError.ts';
