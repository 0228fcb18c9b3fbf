import BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  CHAT_WIRE_COLUMNS,
  type ChatWireTuple,
  chatWireRow,
  MESSAGE_COLUMNS,
  messageTuple,
  quoted,
} from '../../src/store/rows.js';
import type { MessagesTable } from '../../src/store/schema.js';

describe('rows read and bound by position', () => {
  it('maps each position of the chat wire columns to the column of that name', () => {
    const database = new BetterSqlite3(':memory:');
    // Declared in reverse so that nothing lines up by accident; every value differs.
    const reversed = [...CHAT_WIRE_COLUMNS].reverse();
    database.exec(`CREATE TABLE chats (${reversed.map(quoted).join(', ')})`);
    database
      .prepare(`INSERT INTO chats VALUES (${reversed.map(() => '?').join(', ')})`)
      .run(reversed.map((name, i) => `${name}-${i}`));
    const list = CHAT_WIRE_COLUMNS.map(quoted).join(', ');
    const byName: unknown = database.prepare(`SELECT ${list} FROM chats`).get();
    const tuple = database.prepare<[], ChatWireTuple>(`SELECT ${list} FROM chats`).raw(true).get();
    database.close();
    expect(tuple).toBeDefined();
    if (tuple) expect(chatWireRow(tuple)).toEqual(byName);
  });

  it('lists a message row in the order of MESSAGE_COLUMNS', () => {
    // Every value differs from every other, so a swapped position shows.
    const row: Selectable<MessagesTable> = {
      id: 'id',
      chatId: 'chat',
      seq: 7,
      senderId: 'sender',
      senderType: 'admin',
      senderName: 'name',
      content: 'content',
      messageType: 'file',
      fileUrl: 'url',
      isRead: 1,
      readAt: 'read at',
      clientMessageId: 'client id',
      createdAt: 'created at',
      updatedAt: 'updated at',
      redacted: 'card',
    };
    expect(messageTuple(row)).toEqual(MESSAGE_COLUMNS.map((c) => row[c.name]));
  });
});
