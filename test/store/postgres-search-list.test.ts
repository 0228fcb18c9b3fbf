/**
 * PostgreSQL's search index: the indexer's tick merges the GIN pending list, so that no
 * send's insert fills it and merges it in its statement; a node finding another one merging
 * passes without waiting; a role that does not own the index leaves the list to the inserts.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { parseQuery } from '../../src/search/rules.js';
import { openStore } from '../../src/store/open.js';
import { mergeSearchPendingList, PENDING_LIST_LOCK } from '../../src/store/postgres-search-list.js';
import type { Store } from '../../src/store/store.js';
import { adminQuery, storeTargets, type TestDatabase } from '../helpers/stores.js';

const reachable = (await storeTargets()).filter((t) => t.name === 'postgres');

describe.each(reachable)('the search pending list on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let chat: Chat;
  let superuser: pg.Client;

  beforeAll(async () => {
    db = await target.create();
    if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
    store = await openStore(db.config);
    superuser = new pg.Client(db.config.url);
    await superuser.connect();
    ({ chat } = await store.openChat({ userId: 'u-list', userName: 'List', online: true }));
  });
  afterAll(async () => {
    await superuser.end();
    await store.close();
    await db.drop();
  });

  let sent = 0;
  const sendSome = async () => {
    for (let i = 0; i < 5; i++) {
      const content = `refund pending list word${sent++}`;
      const result = await store.appendMessage({
        chatId: chat._id,
        senderId: chat.userId,
        senderRole: 'user',
        senderType: 'user',
        senderName: 'List',
        content,
        messageType: 'text',
        fileUrl: null,
        clientMessageId: null,
        effect: { lastMessage: content, unreadIncrement: 1 },
      });
      expect(result.kind).toBe('stored');
    }
  };
  /** Empties the list as its owner would and says how many pages it held. */
  const pagesPending = async () => {
    const { rows } = await superuser.query<{ pages: number }>(
      `SELECT gin_clean_pending_list('message_search_terms'::regclass) AS pages`,
    );
    return Number(rows[0]?.pages);
  };

  it("the indexer's tick leaves nothing in the list for a send to merge, and what it merged is found", async () => {
    await sendSome();
    await expect(store.indexSearch(100)).resolves.toBe(0);
    expect(await pagesPending()).toBe(0);
    const page = await store.search({
      phrases: parseQuery('word3'),
      text: 'word3',
      viewer: person('s-1', 'Boss', 'superadmin'),
      limit: 5,
    });
    expect(page.hits.map((h) => h.message?.content)).toEqual(['refund pending list word3']);
  });

  it('a tick while another node merges neither waits nor merges', async () => {
    await sendSome();
    const otherNode = new pg.Client(db.config.kind === 'postgres' ? db.config.url : '');
    await otherNode.connect();
    try {
      await otherNode.query('SELECT pg_advisory_lock($1)', [PENDING_LIST_LOCK]);
      await expect(store.indexSearch(100)).resolves.toBe(0);
    } finally {
      await otherNode.end();
    }
    expect(await pagesPending()).toBeGreaterThan(0);
  });

  it('a role that does not own the index merges nothing and is not refused', async () => {
    await sendSome();
    const role = `chat_reader_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(db.config.kind === 'postgres' ? db.config.url : '');
    url.username = role;
    const asReader = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString() }) }),
    });
    try {
      await expect(mergeSearchPendingList(asReader)).resolves.toBe(0);
    } finally {
      await asReader.destroy();
      await adminQuery(`DROP ROLE ${role}`);
    }
    expect(await pagesPending()).toBeGreaterThan(0);
  });
});
