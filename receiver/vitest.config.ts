import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Jira and OpenAI doubles listen on 127.0.0.1: admin-set URLs may point at private addresses here only.
    env: { STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' },
    // chDB allows one data folder per process: every test file gets its own fork.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/main.ts'],
      thresholds: { lines: 85 },
    },
  },
});
