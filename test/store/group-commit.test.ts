import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';

/** A group commit that records its batches and answers each input doubled. */
function recording(gathering?: { afterBatchOf: number; ms: number }) {
  const batches: number[][] = [];
  const commit = new GroupCommit<number, number>(
    async (inputs) => {
      batches.push(inputs);
      return inputs.map((n) => n * 2);
    },
    256,
    gathering,
  );
  return { batches, commit };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('group commit', () => {
  it('takes the calls of one turn as one batch, in order, and answers each its own output', async () => {
    const { batches, commit } = recording();
    expect(await Promise.all([1, 2, 3].map((n) => commit.submit(n)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('without gathering, a call of a later turn is its own batch', async () => {
    const { batches, commit } = recording();
    await Promise.all([1, 2, 3].map((n) => commit.submit(n)));
    const four = commit.submit(4);
    await nextTurn();
    const five = commit.submit(5);
    await Promise.all([four, five]);
    expect(batches).toEqual([[1, 2, 3], [4], [5]]);
  });

  it('after a batch of the threshold, the next waits for the calls of the following turns', async () => {
    const { batches, commit } = recording({ afterBatchOf: 3, ms: 30 });
    await Promise.all([1, 2, 3].map((n) => commit.submit(n)));
    const later = [commit.submit(4)];
    await nextTurn();
    later.push(commit.submit(5));
    await sleep(5);
    later.push(commit.submit(6));
    expect(await Promise.all(later)).toEqual([8, 10, 12]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('after a batch below the threshold, a lone call does not wait', async () => {
    const { batches, commit } = recording({ afterBatchOf: 3, ms: 1_000 });
    await commit.submit(1);
    const started = performance.now();
    await commit.submit(2);
    expect(performance.now() - started).toBeLessThan(500);
    expect(batches).toEqual([[1], [2]]);
  });

  it('after a batch of the threshold and a pause longer than the wait, a lone call does not wait', async () => {
    const { batches, commit } = recording({ afterBatchOf: 3, ms: 300 });
    await Promise.all([1, 2, 3].map((n) => commit.submit(n)));
    await sleep(400);
    const started = performance.now();
    await commit.submit(4);
    expect(performance.now() - started).toBeLessThan(150);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });
});
