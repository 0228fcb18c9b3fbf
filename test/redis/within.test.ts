/** A bounded wait on Redis (src/redis/within.ts): its answer when it comes in time, else the stand-in. */
import { describe, expect, it } from 'vitest';
import { within } from '../../src/redis/within.js';

describe('within', () => {
  it('settles to the answer when it comes before the time is up', async () => {
    await expect(within(Promise.resolve('PONG'), 1_000, false)).resolves.toBe('PONG');
  });

  it('settles to the stand-in once the time is up and no answer came', async () => {
    const never = new Promise<string>(() => {});
    await expect(within(never, 20, false)).resolves.toBe(false);
  });

  it('passes on a refusal that comes before the time is up', async () => {
    await expect(within(Promise.reject(new Error('refused')), 1_000, false)).rejects.toThrow(
      'refused',
    );
  });
});
