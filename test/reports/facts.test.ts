/**
 * The facts the reports read, on both stores: set by the append's own UPDATE (user and
 * admin messages counted, system messages never, notes are not messages; the first admin
 * message's time kept), filled in by migration 0022 for chats written before it, and by
 * the v2 import for the chats it writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/roles.js';
import type { DatabaseConfig } from '../../src/config.js';
import { importV2 } from '../../src/import/import-v2.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { REPORT_EPOCH_MS } from '../../src/store/reports.js';
import type { Database } from '../../src/store/schema.js';
import type { MessageDraft, Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { generateExport } from '../import/generate-export.js';

function rawDatabase(config: DatabaseConfig): Kysely<Database> {
  return config.kind === 'postgres'
    ? new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: config.url, max: 1 }),
        }),
      })
    : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(config.path) }) });
}

const FACTS = ['id', 'firstResponseAt', 'userMessages', 'adminMessages', 'closedAt'] as const;

/**
 * Every chat's epoch-ms columns (migration 0025) against its ISO text: the same instant,
 * or null where the text is. Answers the rows that disagree, and how many were compared.
 */
async function epochDisagreements(raw: Kysely<Database>) {
  const rows = await raw.selectFrom('chats').selectAll().execute();
  const pairs = Object.entries(REPORT_EPOCH_MS) as [keyof typeof REPORT_EPOCH_MS, string][];
  const wrong = rows.flatMap((row) =>
    pairs.flatMap(([iso, ms]) => {
      const text = row[iso];
      const value = row[ms as keyof typeof row];
      const want = text === null ? null : Date.parse(text);
      return (value === null ? null : Number(value)) === want ? [] : [`${row.id}.${ms}`];
    }),
  );
  return { wrong, compared: rows.length };
}

/** What the facts must be, from the chat's messages themselves. */
async function factsFromMessages(raw: Kysely<Database>) {
  const chats = await raw.selectFrom('chats').select(['id', 'status', 'updatedAt']).execute();
  const messages = await raw
    .selectFrom('messages')
    .select(['chatId', 'senderType', 'createdAt'])
    .execute();
  return chats
    .map((c) => {
      const mine = messages.filter((m) => m.chatId === c.id);
      const admin = mine.filter((m) => m.senderType === 'admin').map((m) => m.createdAt);
      return {
        id: c.id,
        firstResponseAt: admin.length === 0 ? null : admin.sort()[0],
        userMessages: mine.filter((m) => m.senderType === 'user').length,
        adminMessages: admin.length,
        closedAt: c.status === 'closed' ? c.updatedAt : null,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

const storedFacts = async (raw: Kysely<Database>) =>
  (await raw.selectFrom('chats').select(FACTS).orderBy('id').execute()).map((r) => ({
    ...r,
    userMessages: Number(r.userMessages),
    adminMessages: Number(r.adminMessages),
  }));

describe.each(await storeTargets())('report facts from appends on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const admin = person('f-admin', 'F', 'admin');
  const superadmin = person('f-super', 'S', 'superadmin');
  const draft = (
    chatId: string,
    from: 'user' | 'admin' | 'system',
    content: string,
  ): MessageDraft => ({
    chatId,
    senderId: from === 'user' ? 'f-user' : from === 'admin' ? admin.id : superadmin.id,
    senderRole: from === 'user' ? 'user' : from === 'admin' ? 'admin' : 'superadmin',
    senderType: from,
    senderName: 'N',
    content,
    messageType: 'text',
    fileUrl: null,
    clientMessageId: null,
    effect: { lastMessage: content, unreadIncrement: from === 'user' ? 1 : 0 },
  });

  it('counts user and admin messages, never system ones, and keeps the first admin message time', async () => {
    const { chat } = await store.openChat({ userId: 'f-user', userName: 'U', online: true });
    await store.appendMessage(draft(chat._id, 'user', 'hello'));
    await store.appendMessage(draft(chat._id, 'system', 'joined'));
    await store.takeChat(chat._id, admin, false);
    // One batch: the group commit gathers these into one transaction (one statement on PostgreSQL).
    const batch = await Promise.all([
      store.appendMessage(draft(chat._id, 'user', 'anyone?')),
      store.appendMessage(draft(chat._id, 'admin', 'here')),
      store.appendMessage(draft(chat._id, 'admin', 'how can I help')),
      store.appendMessage(draft(chat._id, 'system', 'note to all')),
    ]);
    const firstAdmin = batch[1];
    if (firstAdmin?.kind !== 'stored') throw new Error('the admin message was not stored');
    await store.appendMessage(draft(chat._id, 'admin', 'later'));
    const until = new Date(Date.now() + 1000).toISOString();
    const summary = await store.reports.summary({
      from: chat.createdAt,
      to: until,
      adminId: admin.id,
    });
    expect([summary.userMessages, summary.adminMessages]).toEqual([2, 3]);
    expect(summary.firstResponse.n).toBe(1);
    expect(summary.firstResponse.median).toBe(
      Date.parse(firstAdmin.message.createdAt) - Date.parse(chat.createdAt),
    );
  });
});

describe.each(await storeTargets())('epoch ms written by the live paths on $name', (target) => {
  it('opening, taking, the first admin message and closing write each instant as epoch ms', async () => {
    const db = await target.create();
    try {
      const store = await openStore(db.config);
      const admin = person('e-admin', 'E', 'admin');
      const { chat } = await store.openChat({ userId: 'e-user', userName: 'U', online: true });
      await store.takeChat(chat._id, admin, false);
      const send = (content: string) =>
        store.appendMessage({
          chatId: chat._id,
          senderId: admin.id,
          senderRole: 'admin',
          senderType: 'admin',
          senderName: 'E',
          content,
          messageType: 'text',
          fileUrl: null,
          clientMessageId: null,
          effect: { lastMessage: content, unreadIncrement: 0 },
        });
      await send('first');
      await send('second');
      await store.closeChat(chat._id, admin);
      // SQLite: the store holds the file alone; read it once the store is closed.
      await store.close();
      const raw = rawDatabase(db.config);
      try {
        const row = await raw
          .selectFrom('chats')
          .select(['createdMs', 'firstAssignedMs', 'firstResponseMs', 'closedMs'])
          .executeTakeFirstOrThrow();
        expect(Object.values(row).every((v) => v !== null)).toBe(true);
        expect(await epochDisagreements(raw)).toEqual({ wrong: [], compared: 1 });
      } finally {
        await raw.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});

describe.each(await storeTargets())('migration 0022 on $name', (target) => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
  });

  it('fills in the facts of the chats before it from their messages', async () => {
    db = await target.create();
    const raw = rawDatabase(db.config);
    const untyped = raw as unknown as Kysely<unknown>;
    try {
      await migrateTo(untyped, '0021_webhook_outbox');
      const chat = (id: string, status: 'active' | 'closed', closedAt: string | null) => ({
        id,
        userId: `u-${id}`,
        userName: 'U',
        status,
        assignedAdminId: 'a',
        assignedAdminName: 'A',
        isLocked: 0,
        lockedByAdminId: null,
        lockedByAdminName: null,
        lastMessage: '',
        lastMessageAt: '2026-01-01T00:00:00.000Z',
        unreadCount: 0,
        userOnline: 0,
        lastSeq: 3,
        adminReadSeq: 0,
        userReadSeq: 0,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T01:00:00.000Z',
        closedAt,
      });
      await untyped
        .insertInto('chats' as never)
        .values([
          chat('m1', 'closed', null),
          chat('m2', 'active', null),
          chat('m3', 'closed', '2026-01-01T00:30:00.000Z'),
        ] as never)
        .execute();
      const message = (chatId: string, seq: number, senderType: string, second: number) => ({
        id: `${chatId}-${seq}`,
        chatId,
        seq,
        senderId: senderType,
        senderType,
        senderName: 'N',
        content: 'x',
        messageType: 'text',
        fileUrl: null,
        isRead: 0,
        readAt: null,
        clientMessageId: null,
        createdAt: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
        updatedAt: '2026-01-01T00:00:00.000Z',
        redacted: null,
      });
      await untyped
        .insertInto('messages' as never)
        .values([
          message('m1', 1, 'user', 1),
          message('m1', 2, 'system', 2),
          message('m1', 3, 'admin', 5),
          message('m1', 4, 'admin', 3),
          message('m2', 1, 'user', 1),
        ] as never)
        .execute();
      await migrateToLatest(untyped);
      expect(await storedFacts(raw)).toEqual([
        {
          id: 'm1',
          firstResponseAt: '2026-01-01T00:00:03.000Z',
          userMessages: 1,
          adminMessages: 2,
          closedAt: '2026-01-01T01:00:00.000Z',
        },
        { id: 'm2', firstResponseAt: null, userMessages: 1, adminMessages: 0, closedAt: null },
        {
          id: 'm3',
          firstResponseAt: null,
          userMessages: 0,
          adminMessages: 0,
          closedAt: '2026-01-01T00:30:00.000Z',
        },
      ]);
      // Migration 0025: the instants as epoch ms too.
      expect(await epochDisagreements(raw)).toEqual({ wrong: [], compared: 3 });
    } finally {
      await raw.destroy();
    }
  });
});

describe.each(await storeTargets())('the v2 import and report facts on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'report-facts-'));
    generateExport({
      dir,
      chats: 30,
      messagesPerChat: 7,
      chatsForm: 'lines',
      messagesForm: 'lines',
      mode: 'relaxed',
    });
    await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages.json'),
    });
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives imported chats the facts their messages say, and closed ones a close time', async () => {
    const raw = rawDatabase(db.config);
    try {
      const expected = await factsFromMessages(raw);
      expect(expected.some((c) => c.adminMessages > 0 && c.userMessages > 0)).toBe(true);
      expect(expected.some((c) => c.closedAt !== null)).toBe(true);
      expect(await storedFacts(raw)).toEqual(expected);
      const epochs = await epochDisagreements(raw);
      expect(epochs.wrong).toEqual([]);
      expect(epochs.compared).toBe(expected.length);
    } finally {
      await raw.destroy();
    }
  });
});
