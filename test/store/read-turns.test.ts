/**
 * Costly reads take turns: at most `concurrency` at once, each after a turn of the event
 * loop, so that work which arrived meanwhile (a message to acknowledge) runs between two
 * reads instead of after all of them.
 */
import { describe, expect, it } from 'vitest';
import { ReadTurns } from '../../src/store/read-turns.js';

/** A read that blocks the event loop for `ms`, as a synchronous SQLite read does. */
const blockingRead = (log: string[], name: string, ms: number) => async () => {
  log.push(`${name} start`);
  const until = performance.now() + ms;
  while (performance.now() < until) {}
  log.push(`${name} end`);
  return name;
};

describe('read turns', () => {
  it('runs one read per turn: other work queued meanwhile runs between two reads', async () => {
    const turns = new ReadTurns(1);
    const log: string[] = [];
    const reads = ['a', 'b', 'c'].map((name) => turns.run(blockingRead(log, name, 5)));
    // Work that arrives while the reads wait, as an acknowledgement would.
    setImmediate(() => {
      log.push('other work');
    });
    expect(await Promise.all(reads)).toEqual(['a', 'b', 'c']);
    const other = log.indexOf('other work');
    expect(other).toBeGreaterThan(-1);
    expect(other).toBeLessThan(log.indexOf('b start'));
  });

  it('never runs more than `concurrency` reads at once, and goes on after a failing one', async () => {
    const turns = new ReadTurns(2);
    let running = 0;
    let most = 0;
    const read = (fail: boolean) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (fail) throw new Error('refused');
      return 'ok';
    };
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => turns.run(read(i === 1))),
    );
    expect(most).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
  });
});
