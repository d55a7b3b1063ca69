import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Subprocess tests start a real POS and CLI; a few seconds each on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Thin entry points: exercised by the subprocess tests, where in-process coverage cannot see them.
      exclude: ['src/main.ts', 'src/cli/testErrors.ts', 'src/traffic/main.ts'],
      reporter: ['text', 'json-summary'],
      thresholds: { lines: 85 },
    },
  },
});
