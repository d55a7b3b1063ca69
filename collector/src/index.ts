// @stacklens/collector: building our Collector distribution and running it, for `npm start`, the benchmarks and tests.
export { BINARY_PATH, CONFIG_PATH, MANIFEST_PATH } from './paths.ts';
export { buildCollector, CollectorBuildError, BUILDER_VERSION, type BuildOptions, type BuildResult } from './buildCollector.ts';
export { checkGo, GoToolchainError, MINIMUM_GO } from './goToolchain.ts';
export { startCollector, COLLECTOR_GOGC, type CollectorProcess, type CollectorProcessOptions } from './CollectorProcess.ts';
