/** Kept in step with package.json (a test checks it): rootDir stops us importing that file. */
export const PACKAGE_VERSION = '0.1.0';

/** Instrumentation scope of the logger and tracer this package hands out. */
export const SCOPE_NAME = '@stacklens/telemetry';
