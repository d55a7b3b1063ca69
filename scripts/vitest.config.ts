import { defineConfig } from 'vitest/config';

// The root scripts' tests (npm run test:scripts): the test summary, the start script.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['test/**/*.test.ts'],
    // The start tests run real receivers (chDB: one data directory per process).
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts'],
      thresholds: { lines: 85 },
    },
  },
});
