import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the cluster suite (test/cluster/), after `npm test` in CI. Each
 * file starts two server nodes, nginx, Redis and (one file) PostgreSQL of its own, and
 * some kill or restart them under load: one file at a time, on a quiet machine. The
 * read-cost test runs here too: it seeds a 300k-message chat and 20,000 chats for one
 * heavy reader (its verdict, CPU time and rows per read, does not depend on the machine's
 * neighbours, but its seeding is too heavy to run beside other files).
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts', 'test/limits/read-cost.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    minWorkers: 1,
  },
});
