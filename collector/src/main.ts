import { buildCollector, CollectorBuildError } from './buildCollector.ts';
import { GoToolchainError } from './goToolchain.ts';

/** `npm run collector:build [-- --force]`: builds collector/dist/otelcol-stacklens from source. */
try {
  const result = await buildCollector({ force: process.argv.includes('--force') });
  if (result.built) console.log(`built ${result.binaryPath}`);
} catch (error) {
  if (!(error instanceof GoToolchainError || error instanceof CollectorBuildError)) throw error;
  console.error(`collector:build: ${error.message}`);
  process.exit(1);
}
