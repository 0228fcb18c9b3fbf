/**
 * A note written while retention deletes its chat (PostgreSQL: the two run at once on
 * different connections; SQLite's writes are one at a time). Retention locks the chat,
 * deletes its notes, then the chat: a note inserted in between must not outlive the chat it
 * was written in, which would keep an agent's words about a customer past retention.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { waitUntil } from '../helpers/processes.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');

describe.each(postgres)('a note beside retention on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let retention: pg.Client;

  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
    if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
    retention = new pg.Client(db.config.url);
    await retention.connect();
  });
  afterAll(async () => {
    await retention?.end();
    await store?.close();
    await db?.drop();
  });

  /** Statements of this database waiting for a lock (the note's insert, once it waits). */
  const waitingForLocks = async (): Promise<number> => {
    const { rows } = await retention.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return Number(rows[0]?.n ?? 0);
  };

  it('a note sent while retention deletes the chat is refused, not left behind', async () => {
    const { chat } = await store.openChat({
      userId: 'retained-user',
      userName: 'U',
      online: false,
    });
    // What purgeClosedBefore does, held open at its middle: the chat locked, its notes gone.
    await retention.query('BEGIN');
    await retention.query('SELECT id FROM chats WHERE id = $1 FOR UPDATE', [chat._id]);
    await retention.query('DELETE FROM notes WHERE "chatId" = $1', [chat._id]);
    let settled = false;
    const written = store.notes
      .append({
        chatId: chat._id,
        senderId: 'admin-r',
        senderName: 'R',
        content: 'card declined twice, asked for a statement',
        clientMessageId: null,
      })
      .finally(() => {
        settled = true;
      });
    // The note either waits for the chat's lock or has already been written past it.
    await waitUntil('the note waits for the chat or is written', async () => {
      return settled || (await waitingForLocks()) > 0;
    });
    await retention.query('DELETE FROM chats WHERE id = $1', [chat._id]);
    await retention.query('COMMIT');
    expect(await written).toEqual({ kind: 'chatNotFound' });
    const { rows } = await retention.query('SELECT id FROM notes WHERE "chatId" = $1', [chat._id]);
    expect(rows).toEqual([]);
  });
});
