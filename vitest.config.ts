import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests of pure logic, and integration tests against a real Temporal dev
// server that the integration project's globalSetup starts once per `npm test`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Cluster tests have their own config (vitest.cluster.config.ts, `npm run test:cluster`).
          exclude: ['test/**/*.int.test.ts', 'test/**/*.cluster.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // The SDK's log is printed for failed tests only.
          setupFiles: ['test/support/test-log.ts'],
          // The Temporal worker's native bridge crashes under worker_threads; forks are safe.
          pool: 'forks',
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
