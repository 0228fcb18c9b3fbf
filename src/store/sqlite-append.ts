/**
 * SQLite's append: prepared statements on the raw better-sqlite3 handle, run
 * synchronously, a whole batch in one transaction (one fsync). On the event loop
 * (sqliteAppender) it holds Kysely's connection while it runs, so it never lands inside a
 * Kysely transaction (markRead's); on the writer thread (sqlite-writer.ts) it has a
 * connection of its own.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { newId } from '../ids.js';
import { writableBy } from './chat-sql.js';
import { messageCreatedRows } from './message-webhooks.js';
import {
  CHAT_WIRE_COLUMNS,
  type ChatWireTuple,
  chatWireRow,
  MESSAGE_COLUMNS,
  type MessageTuple,
  messageTuple,
  newMessageRow,
  quoted,
  toChat,
  toMessage,
} from './rows.js';
import type { Database, MessagesTable, WebhookOutboxTable } from './schema.js';
import { sqliteIndexBatch } from './sqlite-search-index.js';
import type { Appender, AppendResult, MessageDraft } from './store.js';
import type { WalSync } from './wal-sync.js';

/** Prepared on first use: a store that never sees an attachment never prepares them. */
function attachmentStatements(database: BetterSqlite3.Database) {
  let prepared:
    | {
        usable: BetterSqlite3.Statement<[{ id: string; sender: string; chatId: string }], unknown>;
        writable: BetterSqlite3.Statement<
          [{ chatId: string; role: MessageDraft['senderRole']; sender: string }],
          unknown
        >;
        markUsed: BetterSqlite3.Statement<[{ id: string; messageId: string; chatId: string }]>;
      }
    | undefined;
  return () => {
    prepared ??= {
      usable: database.prepare(
        `SELECT 1 FROM attachments WHERE id = @id AND "messageId" IS NULL
           AND "uploaderId" = @sender AND ("chatId" IS NULL OR "chatId" = @chatId)`,
      ),
      writable: database.prepare(
        `SELECT 1 FROM chats WHERE id = @chatId AND ${writableBy.sql('@role', '@sender')}`,
      ),
      markUsed: database.prepare(
        'UPDATE attachments SET "messageId" = @messageId, "chatId" = @chatId WHERE id = @id',
      ),
    };
    return prepared;
  };
}

/** Prepared on first use: a store without webhooks never prepares it. */
function outboxStatement(database: BetterSqlite3.Database) {
  let prepared: BetterSqlite3.Statement<[Insertable<WebhookOutboxTable>]> | undefined;
  return () => {
    prepared ??= database.prepare(
      `INSERT INTO webhook_outbox (id, url, "chatId", type, body, status, attempts,
         "nextAttemptAt", "leaseUntil", "lastError", "createdAt", "deliveredAt")
       VALUES (@id, @url, @chatId, @type, @body, @status, @attempts, @nextAttemptAt,
         @leaseUntil, @lastError, @createdAt, @deliveredAt)`,
    );
    return prepared;
  };
}

/** A whole batch in one transaction, synchronously: committed (fsynced) when it returns. */
export type SqliteBatch = BetterSqlite3.Transaction<
  (drafts: MessageDraft[], webhookUrls: readonly string[]) => AppendResult[]
>;

export function sqliteBatch(database: BetterSqlite3.Database): SqliteBatch {
  const byClientId = database.prepare<[string, string], Selectable<MessagesTable>>(
    'SELECT * FROM messages WHERE chatId = ? AND clientMessageId = ?',
  );
  // The WHERE is who may write (writableBy): a sender whose in-memory check passed on a
  // stale chat row is refused here, inside the transaction that would store the message.
  // The reports' facts ride on the same UPDATE (migrations 0022, 0025): no statement more per
  // send; the epoch ms of the first response is computed only on the message that sets it.
  const bumpChat = database
    .prepare<
      [
        {
          preview: string;
          at: string;
          unread: number;
          user: number;
          admin: number;
          chatId: string;
          role: MessageDraft['senderRole'];
          sender: string;
        },
      ],
      ChatWireTuple
    >(
      `UPDATE chats SET lastSeq = lastSeq + 1, lastMessage = @preview, lastMessageAt = @at,
       unreadCount = unreadCount + @unread, updatedAt = @at,
       userMessages = userMessages + @user, adminMessages = adminMessages + @admin,
       firstResponseAt = CASE WHEN @admin = 1 AND firstResponseAt IS NULL THEN @at ELSE firstResponseAt END,
       firstResponseMs = CASE WHEN @admin = 1 AND firstResponseAt IS NULL
         THEN CAST(round(unixepoch(@at, 'subsec') * 1000) AS INTEGER) ELSE firstResponseMs END
     WHERE id = @chatId AND ${writableBy.sql('@role', '@sender')}
     RETURNING ${CHAT_WIRE_COLUMNS.map(quoted).join(', ')}`,
    )
    .raw(true);
  // Bound by position, in MESSAGE_COLUMNS's order (messageTuple): a lookup by name per
  // column was a fifth of the insert's time.
  const insert = database.prepare<MessageTuple>(
    `INSERT INTO messages (${MESSAGE_COLUMNS.map((c) => quoted(c.name)).join(', ')})
     VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})`,
  );

  const attachments = attachmentStatements(database);

  const appendOne = (draft: MessageDraft): AppendResult => {
    if (draft.clientMessageId) {
      const earlier = byClientId.get(draft.chatId, draft.clientMessageId);
      if (earlier) return { kind: 'duplicate', message: toMessage(earlier) };
    }
    // Only a message with an attachment pays for these statements. One writer and one
    // transaction: nothing can use the attachment between this check and the mark below.
    if (draft.attachmentId !== undefined) {
      const usable = attachments().usable.get({
        id: draft.attachmentId,
        sender: draft.senderId,
        chatId: draft.chatId,
      });
      if (!usable) {
        const writable = attachments().writable.get({
          chatId: draft.chatId,
          role: draft.senderRole,
          sender: draft.senderId,
        });
        return writable ? { kind: 'attachmentUnusable' } : { kind: 'rejected' };
      }
    }
    const at = new Date().toISOString();
    const bumped = bumpChat.get({
      preview: draft.effect.lastMessage,
      at,
      unread: draft.effect.unreadIncrement,
      user: draft.senderType === 'user' ? 1 : 0,
      admin: draft.senderType === 'admin' ? 1 : 0,
      chatId: draft.chatId,
      role: draft.senderRole,
      sender: draft.senderId,
    });
    if (!bumped) return { kind: 'rejected' };
    const chat = chatWireRow(bumped);
    // The row is exactly what we bind: no need to read it back.
    const row = newMessageRow(draft, newId(), chat.lastSeq, at);
    insert.run(...messageTuple(row));
    if (draft.attachmentId !== undefined) {
      attachments().markUsed.run({
        id: draft.attachmentId,
        messageId: row.id,
        chatId: draft.chatId,
      });
    }
    return { kind: 'stored', message: toMessage(row), chat: toChat(chat) };
  };
  const outbox = outboxStatement(database);
  return database.transaction((drafts: MessageDraft[], webhookUrls: readonly string[]) => {
    const results = drafts.map(appendOne);
    // Only with WEBHOOK_URLS: the batch's message.created events, in its transaction.
    if (webhookUrls.length > 0) {
      const stored = results.flatMap((r) => (r.kind === 'stored' ? [r.message] : []));
      for (const row of messageCreatedRows(stored, webhookUrls)) outbox().run(row);
    }
    return results;
  });
}

/**
 * Runs `work` on `database` with its commits not fsynced; every other write on the
 * connection still fsyncs. Not a statement prepared once: SQLite applies this pragma while
 * preparing it, so a kept statement's first run changed nothing (measured: the first batch
 * fsynced).
 */
export function withoutFsync<T>(database: BetterSqlite3.Database, work: () => T): T {
  database.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    database.pragma('synchronous = FULL');
  }
}

/**
 * The appends on the event loop. With `wal` (a file, not `:memory:`) a batch commits
 * without its fsync and is answered once the WAL is synced on libuv's pool (wal-sync.ts),
 * so the loop serves sockets while the disk works; the batch still holds Kysely's
 * connection only while its statements run. The search index's batches commit without an
 * fsync either way.
 */
export function sqliteAppender(
  database: BetterSqlite3.Database,
  db: Kysely<Database>,
  wal?: WalSync,
): Appender {
  const appendAll = sqliteBatch(database);
  const indexBatch = sqliteIndexBatch(database);
  const unsynced = <T>(work: () => T): Promise<T> =>
    db.connection().execute(async () => withoutFsync(database, work));
  // The index's batch needs no fsync of its own: its rows and its watermark commit
  // together, so a batch the disk lost is indexed again, and the next synced commit (a
  // send's, or the WAL's sync) covers it.
  const indexSearch = (max: number) => unsynced(() => indexBatch(max));
  if (!wal) {
    return {
      append: (drafts, webhookUrls = []) =>
        db.connection().execute(async () => appendAll(drafts, webhookUrls)),
      indexSearch,
    };
  }
  return {
    async append(drafts, webhookUrls = []) {
      const results = await unsynced(() => {
        const results = appendAll(drafts, webhookUrls);
        // Before any read can run: what it sees of this batch waits for the sync too.
        wal.committed();
        return results;
      });
      await wal.sync();
      return results;
    },
    indexSearch,
  };
}
