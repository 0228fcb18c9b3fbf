/**
 * An admin is recorded once per process when first seen, not on every action: the
 * process's memory of whom it wrote, its bound, and what it does when a write fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownAdmins } from '../../src/admins/known-admins.js';
import { ANONYMOUS, person } from '../../src/auth/roles.js';
import { openStore } from '../../src/store/open.js';
import type { AdminRef, Store } from '../../src/store/store.js';

describe('known admins: once per admin per process', () => {
  let store: Store;
  let writes: AdminRef[];
  let failNext: boolean;
  let counting: Store;
  beforeAll(async () => {
    store = await openStore({ kind: 'sqlite', path: ':memory:' });
    counting = new Proxy(store, {
      get(target, property) {
        if (property === 'recordAdmin')
          return async (admin: AdminRef) => {
            writes.push(admin);
            if (failNext) {
              failNext = false;
              throw new Error('store away');
            }
            return target.recordAdmin(admin);
          };
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  });
  afterAll(() => store.close());
  const fresh = (max?: number) => {
    writes = [];
    failNext = false;
    return knownAdmins(counting, async () => new Set(), max);
  };

  it('writes an admin once however often they act, again only under another name', async () => {
    const admins = fresh();
    const anna = person('o-anna', 'Anna', 'admin');
    await Promise.all([admins.seen(anna), admins.seen(anna), admins.seen(anna)]);
    await admins.seen(person('o-anna', '', 'admin')); // a nameless token: keeps the name
    expect(writes).toEqual([{ id: 'o-anna', name: 'Anna' }]);
    await admins.seen(person('o-anna', 'Anna K.', 'admin'));
    expect(writes).toHaveLength(2);
    expect(await store.isKnownAdmin('o-anna')).toBe(true);
  });

  it('records admins and superadmins, never users or the anonymous caller', async () => {
    const admins = fresh();
    await admins.seen(person('o-user', 'U', 'user'));
    await admins.seen(ANONYMOUS);
    await admins.seen(person('o-super', 'S', 'superadmin'));
    expect(writes.map((w) => w.id)).toEqual(['o-super']);
  });

  it('does not fail its caller when the write fails, and tries again next time', async () => {
    const admins = fresh();
    failNext = true;
    await expect(admins.seen(person('o-retry', 'R', 'admin'))).resolves.toBeUndefined();
    await admins.seen(person('o-retry', 'R', 'admin'));
    expect(writes).toHaveLength(2);
    expect(await store.isKnownAdmin('o-retry')).toBe(true);
  });

  it('remembers at most `max` admins, forgetting the oldest (written again when seen again)', async () => {
    const admins = fresh(2);
    for (const id of ['o-1', 'o-2', 'o-3', 'o-3', 'o-2', 'o-1']) {
      await admins.seen(person(id, id, 'admin'));
    }
    expect(writes.map((w) => w.id)).toEqual(['o-1', 'o-2', 'o-3', 'o-1']);
  });
});
