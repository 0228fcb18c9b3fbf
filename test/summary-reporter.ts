/**
 * Prints one plain closing line, "tests: N passed, N failed, N skipped", that CI
 * tooling reads regardless of the runner's own formatting.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of modules) {
      for (const test of module.children.allTests()) counts[test.result().state] += 1;
    }
    const line = `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    // After the default reporter's summary, so it is the last line of the run.
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
