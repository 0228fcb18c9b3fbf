/**
 * SQLite's hot path on the raw better-sqlite3 handle: prepared statements run
 * synchronously, a whole batch of appends in one transaction (one fsync). It steps aside
 * (returns undefined) while a Kysely transaction is open on the same connection.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { Chat } from '../schemas/shapes.js';
import { newMessageRow, toChat, toMessage } from './rows.js';
import type { ChatsTable, MessagesTable } from './schema.js';
import type { AppendResult, MessageDraft } from './store.js';

export function sqliteFastPath(database: BetterSqlite3.Database) {
  const chatById = database.prepare<[string], Selectable<ChatsTable>>(
    'SELECT * FROM chats WHERE id = ?',
  );
  const byClientId = database.prepare<[string, string], Selectable<MessagesTable>>(
    'SELECT * FROM messages WHERE chatId = ? AND clientMessageId = ?',
  );
  const bumpChat = database.prepare<
    [string, string, number, string, string],
    Selectable<ChatsTable>
  >(
    `UPDATE chats SET lastSeq = lastSeq + 1, lastMessage = ?, lastMessageAt = ?,
       unreadCount = unreadCount + ?, updatedAt = ?
     WHERE id = ? AND status <> 'closed' RETURNING *`,
  );
  const insert = database.prepare<unknown[]>(
    `INSERT INTO messages (id, chatId, seq, senderId, senderType, senderName, content, messageType,
       fileUrl, isRead, readAt, clientMessageId, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)`,
  );

  const appendOne = (draft: MessageDraft): AppendResult => {
    if (draft.clientMessageId) {
      const earlier = byClientId.get(draft.chatId, draft.clientMessageId);
      if (earlier) return { kind: 'duplicate', message: toMessage(earlier) };
    }
    const at = new Date().toISOString();
    const chat = bumpChat.get(
      draft.effect.lastMessage,
      at,
      draft.effect.unreadIncrement,
      at,
      draft.chatId,
    );
    if (!chat) return { kind: 'rejected' };
    // The row is exactly what we bind: no need to read it back.
    const row = newMessageRow(draft, newId(), chat.lastSeq, at);
    insert.run(
      row.id,
      row.chatId,
      row.seq,
      row.senderId,
      row.senderType,
      row.senderName,
      row.content,
      row.messageType,
      row.fileUrl,
      row.clientMessageId,
      at,
      at,
    );
    return { kind: 'stored', message: toMessage(row), chat: toChat(chat) };
  };
  const appendAll = database.transaction((drafts: MessageDraft[]) => drafts.map(appendOne));

  return {
    appendBatch(drafts: MessageDraft[]): AppendResult[] | undefined {
      return database.inTransaction ? undefined : appendAll(drafts);
    },
    /** null: no such chat; undefined: not now. */
    getChat(chatId: string): Chat | undefined | null {
      if (database.inTransaction) return undefined;
      const row = chatById.get(chatId);
      return row ? toChat(row) : null;
    },
  };
}
