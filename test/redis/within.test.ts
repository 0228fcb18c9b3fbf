/** A bounded wait on Redis (src/redis/within.ts): its answer when it comes in time, else the stand-in. */
import { createHook } from 'node:async_hooks';
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

  it('leaves no timer behind once the answer has come', async () => {
    const wait = 60_000;
    const pending = new Set<number>();
    const hook = createHook({
      // Only this test's waits: the runner's own timers come and go meanwhile.
      init: (id, type, _trigger, resource) => {
        if (type === 'Timeout' && Reflect.get(resource, '_idleTimeout') === wait) pending.add(id);
      },
      destroy: (id) => pending.delete(id),
    }).enable();
    try {
      for (let i = 0; i < 100; i++) await within(Promise.resolve('PONG'), wait, false);
      // A cleared timer is destroyed on the timers' next turn, not a minute later.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      hook.disable();
    }
    expect(pending.size).toBe(0);
  });

  it('passes on a refusal that comes before the time is up', async () => {
    await expect(within(Promise.reject(new Error('refused')), 1_000, false)).rejects.toThrow(
      'refused',
    );
  });
});
