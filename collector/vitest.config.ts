import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end files each run a Collector, a receiver (chDB: one data folder per process) and a POS.
    pool: 'forks',
    // Processes start slowly on a busy 2-core machine, and the outage test waits out retry back-off.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/main.ts'],
      thresholds: { lines: 85 },
    },
  },
});
