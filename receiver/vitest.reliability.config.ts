import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: the reliability suite alone (overload, crash, outage, hostile input, security). */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    // The Jira and OpenAI doubles listen on 127.0.0.1: admin-set URLs may point at private addresses here only.
    env: { STACKLENS_ALLOW_PRIVATE_TARGETS: 'true' },
    // chDB allows one data folder per process: every test file gets its own fork.
    pool: 'forks',
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
