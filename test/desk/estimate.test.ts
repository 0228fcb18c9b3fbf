import { describe, expect, it } from 'vitest';
import { estimatedWaitSeconds, median, queuePositionOf } from '../../src/desk/estimate.js';
import { Reused } from '../../src/desk/services.js';

describe('the wait estimate', () => {
  it('takes the median of the recent waits, none without any', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([1, 100_000, 3, 5])).toBe(4);
  });

  it("is the median wait × position ÷ waiting (Little's law), in whole seconds", () => {
    // Four minutes typical with four waiting: one chat a minute.
    expect(estimatedWaitSeconds(240_000, 1, 4)).toBe(60);
    expect(estimatedWaitSeconds(240_000, 3, 4)).toBe(180);
    expect(estimatedWaitSeconds(240_000, 1, 1)).toBe(240);
    expect(estimatedWaitSeconds(null, 1, 4)).toBeNull();
    expect(estimatedWaitSeconds(0, 2, 4)).toBe(0);
  });

  it('has no estimate for a chat that does not wait', () => {
    expect(queuePositionOf('c', null, 4, 240_000)).toEqual({
      chatId: 'c',
      position: null,
      waiting: 4,
      estimatedWaitSeconds: null,
    });
  });
});

describe('a value reused for a while', () => {
  it('is read once while fresh, again once stale, kept when a read fails, and read again while not worth keeping', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const value = new Reused(
      async () => {
        reads++;
        if (fail) throw new Error('down');
        return reads;
      },
      1000,
      () => now,
    );
    expect(await Promise.all([value.get(), value.get()])).toEqual([1, 1]);
    now = 999;
    expect(await value.get()).toBe(1);
    now = 1000;
    expect(await value.get()).toBe(2);
    fail = true;
    now = 5000;
    expect(await value.get()).toBe(2);

    let answers: (number | null)[] = [null, 7];
    const pending = new Reused(
      async () => answers.shift() ?? null,
      1000,
      () => 0,
      (v) => v !== null,
    );
    expect(await pending.get()).toBeNull();
    expect(await pending.get()).toBe(7);
    answers = [8];
    expect(await pending.get()).toBe(7);
  });
});
