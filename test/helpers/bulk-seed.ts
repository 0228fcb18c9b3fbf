/**
 * Large stores made fast for cost tests: one INSERT … WITH RECURSIVE statement per table,
 * written once for SQLite and PostgreSQL, straight into the database before a server opens
 * it (so no chat cache holds an older row). Messages get seq 1…n, as appends and the v2
 * import give them, and the chat's lastSeq is n.
 */
import { sql } from 'kysely';
import type { DatabaseConfig } from '../../src/config.js';
import { openImportDatabase } from '../../src/import/open-database.js';

const AT = '2026-01-01T00:00:00.000Z';
/** Distinct times that sort as text: this prefix and a five-digit number of seconds. */
const AT_PREFIX = '2026-01-01T00:00:00.';

/** A row number as a 24-hex-character id with a prefix of 4 hex characters. */
const idFrom = (prefix: string, n: number): string =>
  `${prefix}${n.toString(16).padStart(20, '0')}`;

export interface SeededChat {
  chatId: string;
  userId: string;
}

/**
 * One open chat of `userId` with `messages` messages, user and admin alternating; the
 * user's are unread (an admin's mark-read has them all to mark), the admin's read, and the
 * read watermarks say so.
 */
export async function seedLongChat(
  database: DatabaseConfig,
  userId: string,
  messages: number,
  chatNumber = 1,
): Promise<SeededChat> {
  const chatId = idFrom('c0de', chatNumber);
  const { db, close } = await openImportDatabase(database);
  try {
    await db
      .insertInto('chats')
      .values({
        id: chatId,
        userId,
        userName: userId,
        status: 'active',
        assignedAdminId: 'seed-admin',
        assignedAdminName: 'Seed admin',
        isLocked: 0,
        lockedByAdminId: null,
        lockedByAdminName: null,
        lastMessage: `message ${messages}`,
        lastMessageAt: AT,
        unreadCount: Math.ceil(messages / 2),
        userOnline: 0,
        lastSeq: messages,
        // Every admin message is read, every user message unread (the first is seq 1).
        adminReadSeq: 0,
        userReadSeq: messages,
        createdAt: AT,
        updatedAt: AT,
      })
      .execute();
    await sql`INSERT INTO messages ("id", "chatId", "seq", "senderId", "senderType", "senderName",
        "content", "messageType", "fileUrl", "isRead", "readAt", "clientMessageId", "createdAt", "updatedAt")
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${messages})
      SELECT ${chatId} || '-' || i, ${chatId}, i,
        CASE WHEN i % 2 = 1 THEN ${userId} ELSE 'seed-admin' END,
        CASE WHEN i % 2 = 1 THEN 'user' ELSE 'admin' END,
        'Seed', 'message ' || i, 'text', NULL,
        CASE WHEN i % 2 = 1 THEN 0 ELSE 1 END, NULL, NULL, ${AT}, ${AT}
      FROM n`.execute(db);
  } finally {
    await close();
  }
  return { chatId, userId };
}

/**
 * `count` chats, a third each waiting, active (held by `adminId`) and closed (all of them
 * `hoarderId`'s), with different lastMessageAt values so that the lists must sort.
 */
export async function seedManyChats(
  database: DatabaseConfig,
  count: number,
  { adminId, hoarderId }: { adminId: string; hoarderId: string },
): Promise<void> {
  const { db, close } = await openImportDatabase(database);
  try {
    await sql`INSERT INTO chats ("id", "userId", "userName", "status", "assignedAdminId",
        "assignedAdminName", "isLocked", "lockedByAdminId", "lockedByAdminName", "lastMessage",
        "lastMessageAt", "unreadCount", "userOnline", "lastSeq", "createdAt", "updatedAt")
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
      SELECT 'many-' || i, CASE i % 3 WHEN 2 THEN ${hoarderId} ELSE 'many-user-' || i END, 'Many ' || i,
        CASE i % 3 WHEN 0 THEN 'waiting' WHEN 1 THEN 'active' ELSE 'closed' END,
        CASE i % 3 WHEN 1 THEN ${adminId} ELSE NULL END,
        CASE i % 3 WHEN 1 THEN 'Seed admin' ELSE NULL END,
        0, NULL, NULL, 'last ' || i,
        ${AT_PREFIX} || (10000 + (i * 7919) % ${count}) || 'Z',
        0, 0, 0, ${AT_PREFIX} || (10000 + i) || 'Z', ${AT}
      FROM n`.execute(db);
    // PostgreSQL plans the lists by its statistics, which autovacuum keeps for a table
    // this size in service; a table loaded a moment ago has none (and got bitmap scans and
    // sorts of 6,667 rows: 25-60 ms of the database's time). History reads need none: they
    // are bounded seq ranges, and seedLongChat leaves messages without statistics.
    if (database.kind === 'postgres') await sql`ANALYZE chats`.execute(db);
  } finally {
    await close();
  }
}

/**
 * `count` closed chats of `messages` messages each, closed at `closedAt` (ids
 * `<prefix>-1`…), each its own user's: the retention purge's material. `undated`: closed
 * without a closedAt, last changed at `closedAt`, as the v2 import leaves them.
 */
export async function seedClosedChats(
  database: DatabaseConfig,
  {
    prefix,
    count,
    messages,
    closedAt,
    undated = false,
  }: { prefix: string; count: number; messages: number; closedAt: string; undated?: boolean },
): Promise<void> {
  const { db, close } = await openImportDatabase(database);
  try {
    await sql`INSERT INTO chats ("id", "userId", "userName", "status", "assignedAdminId",
        "assignedAdminName", "isLocked", "lockedByAdminId", "lockedByAdminName", "lastMessage",
        "lastMessageAt", "unreadCount", "userOnline", "lastSeq", "createdAt", "updatedAt", "closedAt")
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
      SELECT ${prefix} || '-' || i, ${prefix} || '-user-' || i, 'Closed ' || i, 'closed', NULL, NULL,
        0, NULL, NULL, 'last', ${AT}, 0, 0, ${messages}, ${AT}, ${closedAt}, ${undated ? null : closedAt}
      FROM n`.execute(db);
    await sql`INSERT INTO messages ("id", "chatId", "seq", "senderId", "senderType", "senderName",
        "content", "messageType", "fileUrl", "isRead", "readAt", "clientMessageId", "createdAt", "updatedAt")
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${count}),
        m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < ${messages})
      SELECT ${prefix} || '-' || i || '-' || j, ${prefix} || '-' || i, j, ${prefix} || '-user-' || i,
        'user', 'Closed', 'old words ' || j, 'text', NULL, 1, NULL, NULL, ${AT}, ${AT}
      FROM c, m`.execute(db);
  } finally {
    await close();
  }
}
