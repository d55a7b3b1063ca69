import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { BINARY_PATH } from '../../src/paths.ts';
import { MINIMUM_GO } from '../../src/goToolchain.ts';

const REQUIRED = process.env.STACKLENS_REQUIRE_COLLECTOR === '1';

/**
 * describe() for tests that run the real Collector binary. Without it they are
 * skipped with a message saying how to build it — unless
 * STACKLENS_REQUIRE_COLLECTOR=1 (CI, which builds it), where a missing binary fails.
 */
export function describeWithCollector(name: string, body: () => void): void {
  if (existsSync(BINARY_PATH)) {
    describe(name, body);
  } else if (REQUIRED) {
    describe(name, () => {
      it('has the Collector binary', () => {
        throw new Error(`STACKLENS_REQUIRE_COLLECTOR=1 but ${BINARY_PATH} is missing: run npm run collector:build`);
      });
    });
  } else {
    console.warn(`[collector] skipping "${name}": no ${BINARY_PATH} — npm run collector:build builds it (Go ${MINIMUM_GO} or newer)`);
    describe.skip(`${name} (skipped: no Collector binary; npm run collector:build)`, body);
  }
}
