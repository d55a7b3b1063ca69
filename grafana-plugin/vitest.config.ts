import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Component tests run in jsdom (per file: `@vitest-environment jsdom`); the build, dashboard and browser tests in node.
    environment: 'node',
    setupFiles: ['test/support/setup.ts'],
    pool: 'forks',
    // Grafana's packages import CSS from their ESM builds: let Vite transform them instead of Node.
    server: { deps: { inline: [/@grafana\//, /uplot/] } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'src/**/*.tsx'],
      // Thin Grafana entry points: they only hand Grafana's services to the components tested here.
      exclude: ['src/module.tsx', 'src/panels/liveFeed/module.tsx', 'src/api/grafanaTransport.ts'],
      reporter: ['text', 'json-summary'],
      thresholds: { lines: 85 },
    },
  },
});
