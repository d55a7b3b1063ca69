import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Jira and OpenAI doubles listen on 127.0.0.1: admin-set URLs may point at private addresses here only.
    env: { STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      thresholds: { lines: 85 },
    },
  },
});
