/**
 * The connection that holds a node's import lock sends nothing once the lock is taken: only
 * TCP keepalive tells it from a connection a middlebox dropped or a peer that went away
 * without a word, after which the database has let the lock go and an import may start.
 */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { TUNABLES } from '../../src/tunables.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const postgres = (await storeTargets()).filter((target) => target.name === 'postgres');

describe.each(postgres)('the import lock a node holds on $name', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps its connection probed by TCP keepalive from postgresImportLockKeepAliveMs of quiet, not the system’s two hours', async () => {
    const keepAlive = vi.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      const node = await openStore(db.config);
      await node.close();
      expect(keepAlive).toHaveBeenCalledWith(true, TUNABLES.postgresImportLockKeepAliveMs.value);
      expect(TUNABLES.postgresImportLockKeepAliveMs.value).toBeGreaterThan(0);
    } finally {
      keepAlive.mockRestore();
    }
  });
});
