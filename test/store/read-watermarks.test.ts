/**
 * Read watermarks (migration 0010) on each store: a mark-read marks every unread message
 * of its reader's sender types, whatever lies below or above, and never leaves one unread
 * at or below the watermark it moves; the migration computes the watermarks from the read
 * flags as they are, holes included, and drops the index of unread messages, so an append
 * writes no entry but messages_chat_seq's and messages_chat_client_id's.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { messageEffect, readEffect } from '../../src/chats/rules.js';
import type { DatabaseConfig } from '../../src/config.js';
import type { Chat, SenderType } from '../../src/schemas/shapes.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import type { ChatsTable, Database, MessagesTable } from '../../src/store/schema.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { TUNABLES } from '../../src/tunables.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const ADMIN = person('wm-admin', 'Ada', 'admin');

function rawDatabase<T = Database>(config: DatabaseConfig): Kysely<T> {
  return config.kind === 'postgres'
    ? new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: config.url, max: 1 }),
        }),
      })
    : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(config.path) }) });
}

/** A message of `senderType` as sendMessage drafts it (a system message is the admin's). */
function draftOf(chat: Chat, senderType: SenderType, content: string): MessageDraft {
  const byUser = senderType === 'user';
  return {
    chatId: chat._id,
    senderId: byUser ? chat.userId : ADMIN.id,
    senderRole: byUser ? 'user' : 'admin',
    senderType,
    senderName: byUser ? 'U' : ADMIN.name,
    content,
    messageType: 'text',
    fileUrl: null,
    clientMessageId: null,
    effect: messageEffect(senderType, content, 'text'),
  };
}

/** Every message of the chat, oldest first, as [seq, senderType, isRead]. */
async function flags(store: Store, chatId: string) {
  const { messages } = await store.historyCursor(chatId, {
    direction: 'after',
    seq: 0,
    limit: 200,
  });
  return messages.map((m) => [m.seq, m.senderType, m.isRead] as const);
}

const unreadOf = async (store: Store, chatId: string, senderTypes: SenderType[]) =>
  (await flags(store, chatId))
    .filter(([, type, read]) => !read && senderTypes.includes(type))
    .map(([seq]) => seq);

describe.each(await storeTargets())('read watermarks on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let n = 0;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** An active chat held by ADMIN with the given messages, in order. */
  async function chatWith(senders: SenderType[]): Promise<Chat> {
    const { chat } = await store.openChat({
      userId: `wm-user-${n++}`,
      userName: 'U',
      online: true,
    });
    await store.takeChat(chat._id, ADMIN, false);
    for (const [i, sender] of senders.entries()) {
      const result = await store.appendMessage(draftOf(chat, sender, `m${i + 1}`));
      expect(result.kind).toBe('stored');
    }
    return chat;
  }

  const watermarks = (chatId: string) =>
    withRaw(async (raw) => {
      const row = await raw
        .selectFrom('chats')
        .select(['adminReadSeq', 'userReadSeq'])
        .where('id', '=', chatId)
        .executeTakeFirstOrThrow();
      return { adminReadSeq: Number(row.adminReadSeq), userReadSeq: Number(row.userReadSeq) };
    });

  /** The raw database beside the open store (SQLite: the store holds the file exclusively). */
  async function withRaw<T>(work: (raw: Kysely<Database>) => Promise<T>): Promise<T> {
    await store.close();
    const raw = rawDatabase(db.config);
    try {
      return await work(raw);
    } finally {
      await raw.destroy();
      store = await openStore(db.config);
    }
  }

  it("each read marks the other side's messages above its watermark and moves it to lastSeq; later messages stay unread until the next read", async () => {
    const chat = await chatWith(['user', 'admin', 'user', 'system', 'user']);
    const afterAdmin = await store.markRead(chat._id, readEffect('admin'));
    expect(afterAdmin?.unreadCount).toBe(0);
    expect(await unreadOf(store, chat._id, ['user'])).toEqual([]);
    expect(await unreadOf(store, chat._id, ['admin', 'system'])).toEqual([2, 4]);
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: 5, userReadSeq: 0 });

    await store.appendMessage(draftOf(chat, 'user', 'm6'));
    await store.appendMessage(draftOf(chat, 'admin', 'm7'));
    expect(await unreadOf(store, chat._id, ['user'])).toEqual([6]);
    expect((await store.getChat(chat._id))?.unreadCount).toBe(1);

    const afterUser = await store.markRead(chat._id, readEffect('user'));
    // A user's read leaves the unread count alone.
    expect(afterUser?.unreadCount).toBe(1);
    expect(await unreadOf(store, chat._id, ['admin', 'system'])).toEqual([]);
    expect(await unreadOf(store, chat._id, ['user'])).toEqual([6]);
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: 5, userReadSeq: 7 });

    await store.markRead(chat._id, readEffect('admin'));
    expect(await unreadOf(store, chat._id, ['user'])).toEqual([]);
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: 7, userReadSeq: 7 });

    // Only the user's own messages since: their read marks nothing and writes nothing.
    await store.appendMessage(draftOf(chat, 'user', 'm8'));
    await store.markRead(chat._id, readEffect('user'));
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: 7, userReadSeq: 7 });
    await store.appendMessage(draftOf(chat, 'system', 'm9'));
    await store.markRead(chat._id, readEffect('user'));
    expect(await unreadOf(store, chat._id, ['admin', 'system'])).toEqual([]);
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: 7, userReadSeq: 9 });
  });

  it('a message keeps the readAt of its first read; a read with nothing new marks nothing', async () => {
    const chat = await chatWith(['user', 'user']);
    await store.markRead(chat._id, readEffect('admin'));
    const first = await store.historyPage(chat._id, 1, 10);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await store.markRead(chat._id, readEffect('admin'));
    expect(again?.unreadCount).toBe(0);
    const second = await store.historyPage(chat._id, 1, 10);
    expect(second.messages.map((m) => m.readAt)).toEqual(first.messages.map((m) => m.readAt));
    expect(first.messages.every((m) => m.isRead && m.readAt !== null)).toBe(true);
  });

  it('a chat longer than a chunk is read whole, chunk after chunk', async () => {
    const chunk = (
      db.config.kind === 'postgres' ? TUNABLES.postgresMarkReadChunk : TUNABLES.sqliteMarkReadChunk
    ).value;
    const chat = await chatWith([]);
    // One batch of appends: concurrent calls share the group commit.
    await Promise.all(
      Array.from({ length: chunk + 7 }, (_, i) =>
        store.appendMessage(draftOf(chat, i % 3 === 0 ? 'admin' : 'user', `m${i}`)),
      ),
    );
    const read = await store.markRead(chat._id, readEffect('admin'));
    expect(read?.unreadCount).toBe(0);
    const { messages } = await store.historyCursor(chat._id, {
      direction: 'before',
      seq: chunk + 8,
      limit: 200,
    });
    expect(messages.filter((m) => m.senderType === 'user').every((m) => m.isRead)).toBe(true);
    const oldest = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 200 });
    expect(oldest.messages.filter((m) => m.senderType === 'user').every((m) => m.isRead)).toBe(
      true,
    );
    expect(await watermarks(chat._id)).toEqual({ adminReadSeq: chunk + 7, userReadSeq: 0 });
  });

  it('reads racing sends: once all settle, the unread count is the user messages left unread, and none is at or below the watermark', async () => {
    const chat = await chatWith([]);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      work.push(store.appendMessage(draftOf(chat, 'user', `race ${i}`)));
      if (i % 4 === 0) work.push(store.markRead(chat._id, readEffect('admin')));
    }
    await Promise.all(work);
    const unread = await unreadOf(store, chat._id, ['user']);
    store.forgetChat(chat._id);
    expect((await store.getChat(chat._id))?.unreadCount).toBe(unread.length);
    const { adminReadSeq } = await watermarks(chat._id);
    expect(unread.every((seq) => seq > adminReadSeq)).toBe(true);
  });
});

/** Rows as migration 0009 left the tables (0010 added the watermarks, 0017 `redacted`). */
type ChatsBefore0010 = Omit<
  ChatsTable,
  | 'createdMs'
  | 'firstAssignedMs'
  | 'firstResponseMs'
  | 'closedMs'
  | 'adminReadSeq'
  | 'userReadSeq'
  | 'firstAssignedAt'
  | 'labels'
  | 'closedAt'
  | 'ratingScore'
  | 'ratingComment'
  | 'ratedAt'
  | 'ctx'
  | 'firstResponseAt'
  | 'userMessages'
  | 'adminMessages'
>;
type MessagesBefore0010 = Omit<MessagesTable, 'redacted'>;

describe.each(await storeTargets())('migration 0010 on $name', (target) => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
  });

  const at = '2026-01-01T00:00:00.000Z';
  const chatRow = (id: string, lastSeq: number): ChatsBefore0010 => ({
    id,
    userId: `u-${id}`,
    userName: 'U',
    status: 'active',
    assignedAdminId: ADMIN.id,
    assignedAdminName: ADMIN.name,
    isLocked: 0,
    lockedByAdminId: null,
    lockedByAdminName: null,
    lastMessage: '',
    lastMessageAt: at,
    unreadCount: 0,
    userOnline: 0,
    lastSeq,
    createdAt: at,
    updatedAt: at,
  });
  const senderOf = (letter: string): SenderType => {
    const lower = letter.toLowerCase();
    return lower === 'u' ? 'user' : lower === 'a' ? 'admin' : 'system';
  };
  /** `spec`: one letter a message: u/a/s for the sender, upper case when read. */
  const messageRows = (chatId: string, spec: string): MessagesBefore0010[] =>
    [...spec].map((letter, i) => ({
      id: `${chatId}-${i + 1}`,
      chatId,
      seq: i + 1,
      senderId: 's',
      senderType: senderOf(letter),
      senderName: 'S',
      content: `${i + 1}`,
      messageType: 'text',
      fileUrl: null,
      isRead: letter === letter.toUpperCase() ? 1 : 0,
      readAt: letter === letter.toUpperCase() ? at : null,
      clientMessageId: null,
      createdAt: at,
      updatedAt: at,
    }));

  /** Chats as v2 or an earlier server left them: read flags with holes, and without. */
  const CHATS = {
    // A user message left unread among read ones (v2 marked some, not others).
    holes: 'UAuAUsUaU',
    allRead: 'UAUSU',
    noneRead: 'uasua',
    empty: '',
  };

  it('sets each watermark below the oldest unread message (lastSeq when none), drops messages_unread, and the first read marks the holes', async () => {
    db = await target.create();
    const raw = rawDatabase<{ chats: ChatsBefore0010; messages: MessagesBefore0010 }>(db.config);
    const untyped = raw as unknown as Kysely<unknown>;
    try {
      await migrateTo(untyped, '0009_agent_availability');
      for (const [id, spec] of Object.entries(CHATS)) {
        await raw.insertInto('chats').values(chatRow(id, spec.length)).execute();
        if (spec) await raw.insertInto('messages').values(messageRows(id, spec)).execute();
      }
      await migrateToLatest(untyped);
    } finally {
      await raw.destroy();
    }

    const typed = rawDatabase(db.config);
    try {
      const rows = await typed
        .selectFrom('chats')
        .select(['id', 'adminReadSeq', 'userReadSeq'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.id, Number(r.adminReadSeq), Number(r.userReadSeq)])).toEqual([
        ['allRead', 5, 5],
        ['empty', 0, 0],
        // Oldest unread user message: seq 3; oldest unread admin/system: seq 6 (system), 8.
        ['holes', 2, 5],
        ['noneRead', 0, 1],
      ]);
      expect(await messageIndexes(typed, db.config)).toEqual([
        'messages_chat_client_id',
        'messages_chat_seq',
      ]);
    } finally {
      await typed.destroy();
    }

    const store = await openStore(db.config);
    try {
      await store.markRead('holes', readEffect('admin'));
      await store.markRead('holes', readEffect('user'));
      await store.markRead('noneRead', readEffect('user'));
      for (const id of ['holes', 'noneRead']) {
        const unread = (await flags(store, id)).filter(
          ([, type, read]) => !read && type !== 'user',
        );
        expect(unread, id).toEqual([]);
      }
      expect(await unreadOf(store, 'holes', ['user'])).toEqual([]);
      expect(await unreadOf(store, 'noneRead', ['user'])).toEqual([1, 4]);
    } finally {
      await store.close();
    }
  });
});

/** The named indexes of `messages` (not the primary key's), by name. */
async function messageIndexes(db: Kysely<Database>, config: DatabaseConfig): Promise<string[]> {
  const names =
    config.kind === 'postgres'
      ? await db
          .withTables<{ pg_indexes: { indexname: string; tablename: string } }>()
          .selectFrom('pg_indexes')
          .select('indexname as name')
          .where('tablename', '=', 'messages')
          .where('indexname', '<>', 'messages_pkey')
          .execute()
      : await db
          .withTables<{
            sqlite_master: { name: string; tbl_name: string; type: string; sql: string | null };
          }>()
          .selectFrom('sqlite_master')
          .select('name')
          .where('type', '=', 'index')
          .where('tbl_name', '=', 'messages')
          .where('sql', 'is not', null)
          .execute();
  return names.map((r) => r.name).sort();
}
