/** The node's upload byte budget (src/attachments/upload-budget.ts), on a clock the test moves. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { budgetGate, uploadBudget } from '../../src/attachments/upload-budget.js';

const KiB = 1024;

describe('the upload budget', () => {
  it('lets a burst of a tenth of a second through, then makes reads wait at its rate', () => {
    const budget = uploadBudget(100 * KiB, 0);
    expect(budget.charge(10 * KiB, 0)).toBe(0);
    // 10 KiB more than it has: 100 ms at 100 KiB/s.
    expect(budget.charge(10 * KiB, 0)).toBe(100);
    // Refilled for 100 ms it is even again; the next chunk waits for itself only.
    expect(budget.charge(5 * KiB, 100)).toBe(50);
  });

  it('over a long run, reads on time average the rate, however they are cut', () => {
    const budget = uploadBudget(64 * KiB, 0);
    let now = 0;
    let read = 0;
    for (const chunk of [1, 700, 16 * KiB, 64 * KiB, 3000, 200 * KiB].flatMap((c) => [c, c, c])) {
      now += budget.charge(chunk, now);
      read += chunk;
    }
    // What was read after the first burst took its time at the rate, to a millisecond a chunk.
    expect(now).toBeGreaterThanOrEqual(((read - 6.4 * KiB) / (64 * KiB)) * 1000 - 1);
    expect(now).toBeLessThanOrEqual(((read - 6.4 * KiB) / (64 * KiB)) * 1000 + 18);
  });

  it('is shared: two readers charging in turn wait for each other, and take turns', () => {
    const budget = uploadBudget(100 * KiB, 0);
    budget.charge(10 * KiB, 0); // the burst, spent
    const a = budget.charge(10 * KiB, 0);
    const b = budget.charge(10 * KiB, 0);
    const a2 = budget.charge(10 * KiB, a);
    expect([a, b, a2]).toEqual([100, 200, 200]);
  });

  it('a clock set back takes nothing away', () => {
    const budget = uploadBudget(100 * KiB, 10_000);
    expect(budget.charge(5 * KiB, 5_000)).toBe(0);
    expect(budget.charge(5 * KiB, 5_000)).toBe(0);
  });

  it('0 is no budget at all', () => {
    const budget = uploadBudget(0, 0);
    expect(budget.charge(1024 * 1024 * KiB, 0)).toBe(0);
  });
});

describe("an upload's gate", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the time the upload was held, the wait under way included', async () => {
    const gate = budgetGate(uploadBudget(100 * KiB, 0), 100 * KiB, Date.now);
    expect(gate.charge(10 * KiB)).toBeUndefined();
    const wait = gate.charge(20 * KiB);
    expect(wait).toBeInstanceOf(Promise);
    vi.advanceTimersByTime(50);
    expect(gate.heldMs(Date.now())).toBe(50);
    await vi.advanceTimersByTimeAsync(150);
    await wait;
    expect(gate.heldMs(Date.now())).toBe(200);
    vi.advanceTimersByTime(1000);
    expect(gate.heldMs(Date.now())).toBe(200);
  });

  it('closed while waiting: the wait ends at once, and the time held stops there', async () => {
    const gate = budgetGate(uploadBudget(100 * KiB, 0), 100 * KiB, Date.now);
    gate.charge(10 * KiB);
    const wait = gate.charge(100 * KiB);
    vi.advanceTimersByTime(300);
    gate.close();
    await wait;
    vi.advanceTimersByTime(5000);
    expect(gate.heldMs(Date.now())).toBe(300);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("forgives a wait only up to its chunk's time at the minimum rate: a trickle's byte earns nothing", async () => {
    // 1 KiB/s minimum: a 10 KiB chunk earns 10 s, a byte 1 ms.
    const budget = uploadBudget(100 * KiB, 0);
    const gate = budgetGate(budget, KiB, Date.now);
    gate.charge(10 * KiB); // the burst, spent
    const full = gate.charge(10 * KiB);
    await vi.advanceTimersByTimeAsync(100);
    await full;
    expect(gate.heldMs(Date.now())).toBe(100);
    // Another upload's chunk: the trickle's next byte waits 100 ms behind it.
    budgetGate(budget, KiB, Date.now).charge(10 * KiB);
    const byte = gate.charge(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(gate.heldMs(Date.now())).toBeCloseTo(101, 0);
    await vi.advanceTimersByTimeAsync(200);
    await byte;
    expect(gate.heldMs(Date.now())).toBeCloseTo(101, 0);
  });
});
