import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // OpenTelemetry globals, env variables and signal listeners are process-wide state:
    // each test file gets its own process so none of it leaks between files.
    pool: 'forks',
    testTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      thresholds: { lines: 85 },
    },
  },
});
