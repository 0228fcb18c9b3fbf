import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real processes killed under load, and the read-cost test that compares send latency
    // with and without a heavy reader: run on their own (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**', 'test/limits/read-cost.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers and databases; two cores, so keep it modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
