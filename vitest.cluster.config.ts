import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the cluster suite (test/cluster/), after `npm test` in CI. Each
 * file starts two server nodes, nginx, Redis and (one file) PostgreSQL of its own, and
 * some kill or restart them under load: one file at a time, on a quiet machine. The
 * read-cost test runs here too: it compares others' send latency with and without one
 * heavy reader, a ratio that other test files running beside it on two cores would decide.
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
