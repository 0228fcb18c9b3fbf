/**
 * The contract's retry schedule for a failed delivery (docs/data-protection.md, Webhooks):
 * exponential backoff whose first retry comes within seconds and three within two minutes,
 * then at most hourly until the give-up time.
 */
import { describe, expect, it } from 'vitest';
import { TUNABLES } from '../../src/tunables.js';
import { retryDelayMs } from '../../src/webhooks/events.js';

/** When each retry is due, from the first failed attempt, for `count` retries. */
const dueTimes = (count: number) => {
  let at = 0;
  return Array.from({ length: count }, (_, i) => (at += retryDelayMs(i + 1)));
};

describe('the webhook retry schedule', () => {
  it('retries within seconds, three times within two minutes, each wait longer than the one before', () => {
    const [first, , third] = dueTimes(3);
    expect(first).toBeLessThanOrEqual(10_000);
    expect(third).toBeLessThanOrEqual(120_000);
    const delays = Array.from({ length: 8 }, (_, i) => retryDelayMs(i + 1));
    for (let i = 1; i < delays.length; i++) {
      expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? 0);
    }
  });

  it('keeps trying at least hourly until the give-up time', () => {
    const giveUp = TUNABLES.webhookGiveUpMs.value;
    expect(giveUp).toBe(24 * 3_600_000);
    const due = dueTimes(40).filter((at) => at <= giveUp);
    for (let n = 1; n <= 40; n++) expect(retryDelayMs(n)).toBeLessThanOrEqual(3_600_000);
    // The last retry before the give-up leaves less than an hour unused.
    expect(giveUp - (due.at(-1) ?? 0)).toBeLessThan(3_600_000);
  });
});
