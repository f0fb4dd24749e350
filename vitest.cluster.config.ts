import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: tests against the production-shaped cluster (src/cluster: PostgreSQL,
// 4 history shards, each Temporal service its own process). Kept out of `npm test`: each file
// starts a cluster of its own (so it can kill and restart its services), and the first run builds
// the server with Go. One file at a time: a cluster takes most of this machine's two cores.
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.cluster.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    // The Temporal worker's native bridge crashes under worker_threads; forks are safe.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 360_000,
  },
});
