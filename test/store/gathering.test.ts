/**
 * GROUP_COMMIT_GATHER_*: the store hands its gathering to its append lanes, so a batch
 * after a large enough one waits for the messages that follow.
 */
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { userDraft } from '../helpers/drafts.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an SQLite store told to gather', () => {
  it('writes the messages that follow a large enough batch in one batch', async () => {
    const batches: number[] = [];
    const store = await openSqliteStore(':memory:', {
      gathering: { afterBatchOf: 1, ms: 300 },
      onBatch: (size) => batches.push(size),
    });
    try {
      const { chat } = await store.openChat({ userId: 'u1', userName: 'U', online: true });
      await store.appendMessage(userDraft(chat, 'one'));
      const two = store.appendMessage(userDraft(chat, 'two'));
      await sleep(50);
      const three = store.appendMessage(userDraft(chat, 'three'));
      const stored = await Promise.all([two, three]);
      expect(stored.map((r) => (r.kind === 'stored' ? r.message.seq : r.kind))).toEqual([2, 3]);
      expect(batches).toEqual([1, 2]);
    } finally {
      await store.close();
    }
  });

  it('writes a gathering batch as it closes, instead of leaving it to a timer after the close', async () => {
    const store = await openSqliteStore(':memory:', { gathering: { afterBatchOf: 1, ms: 10_000 } });
    const { chat } = await store.openChat({ userId: 'u1', userName: 'U', online: true });
    await store.appendMessage(userDraft(chat, 'one'));
    const two = store.appendMessage(userDraft(chat, 'two'));
    const closedAt = performance.now();
    await store.close();
    const stored = await two;
    expect(performance.now() - closedAt).toBeLessThan(2_000);
    expect(stored.kind === 'stored' && stored.message.seq).toBe(2);
  });
});
