import { fileURLToPath } from 'node:url';

/** The collector workspace folder (where builder-config.yaml is). */
export const COLLECTOR_DIR = fileURLToPath(new URL('../', import.meta.url));
/** The repository root. */
export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The Collector Builder manifest of our distribution. */
export const MANIFEST_PATH = `${COLLECTOR_DIR}builder-config.yaml`;
/** What `npm run collector:build` produces (git-ignored). */
export const BINARY_PATH = `${COLLECTOR_DIR}dist/otelcol-stacklens`;
/** The one Collector configuration, for our build and the contrib image alike. */
export const CONFIG_PATH = `${REPO_DIR}otel-collector-config.yaml`;
