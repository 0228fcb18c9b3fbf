/**
 * A chat's derived fields recomputed from its stored messages: lastSeq, the last message's
 * preview (by the server's own rule, messageEffect) and time, the unread count (user
 * messages not yet read) and the read watermarks (each reader's longest read prefix: the
 * seq before its oldest unread message, or lastSeq; v2's flags may have holes, and no
 * unread message may lie at or below a watermark, see markRead). Read and written for many
 * chats per statement.
 */
import { type Kysely, sql } from 'kysely';
import { messageEffect, readEffect } from '../chats/rules.js';
import type { MessageType, SenderType } from '../schemas/shapes.js';
import type { ReaderType } from '../schemas/vocabulary.js';
import { TUNABLES } from '../tunables.js';
import type { ImportTables } from './open-database.js';

interface ChatSummary {
  chatId: string;
  lastSeq: number;
  lastMessage: string;
  lastMessageAt: string;
  unreadCount: number;
  adminReadSeq: number;
  userReadSeq: number;
}

/** 7 values per chat; 1000 chats per statement stays under the bound-parameter limits. */
const CHATS_PER_UPDATE = 1000;

/**
 * Of each last message, only its first characters are read: the preview is its first 100
 * code points, and a message may be a megabyte (1000 chats per statement would hold a
 * gigabyte). SQL's substr and length count code points on both stores.
 */
const CONTENT_READ_CHARS = TUNABLES.importPreviewReadChars.value;

/**
 * messageEffect, on a message of which only the start may have been read. The start decides
 * the preview unless it is all whitespace and there is more: whether the whole message is
 * blank then decides, so that (rare) message is read whole.
 */
async function effectOf(
  db: Kysely<ImportTables>,
  row: { chatId: string; seq: number; senderType: SenderType; messageType: MessageType },
  contentStart: string,
  contentLength: number,
): Promise<string> {
  let content = contentStart;
  if (contentStart.trim() === '' && contentLength > contentStart.length) {
    const whole = await db
      .selectFrom('messages')
      .select('content')
      .where('chatId', '=', row.chatId)
      .where('seq', '=', row.seq)
      .executeTakeFirstOrThrow();
    content = whole.content;
  }
  return messageEffect(row.senderType, content, row.messageType).lastMessage;
}

/** The watermark below the oldest unread seq, or lastSeq when nothing is unread. */
const readThrough = (oldestUnread: number | string | null, lastSeq: number): number =>
  oldestUnread === null ? lastSeq : Number(oldestUnread) - 1;

/**
 * Each chat's last message and unread facts. The chats' messages are read once, grouped by
 * chat, then each last message on its key (four subqueries per chat, each reading its
 * messages again, took 0.8 of the 3.7 s the database spent on importing 100,000 messages
 * on PostgreSQL).
 */
async function readSummaries(db: Kysely<ImportTables>, chatIds: string[]): Promise<ChatSummary[]> {
  const unreadBy = (reader: ReaderType) =>
    sql<number | string | null>`min(seq) FILTER (WHERE "isRead" = 0 AND "senderType" IN (${sql.join(
      readEffect(reader).senderTypes.map((type) => sql.lit(type)),
    )}))`;
  const rows = await db
    .with('s', (w) =>
      w
        .selectFrom('messages')
        .where('chatId', 'in', chatIds)
        .groupBy('chatId')
        .select((eb) => [
          'chatId',
          eb.fn.max('seq').as('last'),
          sql<number>`count(*) FILTER (WHERE "senderType" = 'user' AND "isRead" = 0)`.as('unread'),
          unreadBy('admin').as('adminUnreadFrom'),
          unreadBy('user').as('userUnreadFrom'),
        ]),
    )
    .selectFrom('s')
    .innerJoin('messages as m', (j) =>
      j.onRef('m.chatId', '=', 's.chatId').onRef('m.seq', '=', 's.last'),
    )
    .select(['m.chatId', 'm.seq', 'm.senderType', 'm.messageType', 'm.createdAt'])
    .select([
      sql<string>`substr(${sql.ref('m.content')}, 1, ${sql.lit(CONTENT_READ_CHARS)})`.as(
        'contentStart',
      ),
      sql<number>`length(${sql.ref('m.content')})`.as('contentLength'),
      's.unread',
      's.adminUnreadFrom',
      's.userUnreadFrom',
    ])
    .execute();
  const summaries: ChatSummary[] = [];
  for (const row of rows) {
    const seq = Number(row.seq);
    summaries.push({
      chatId: row.chatId,
      lastSeq: seq,
      lastMessage: await effectOf(db, { ...row, seq }, row.contentStart, Number(row.contentLength)),
      lastMessageAt: row.createdAt,
      unreadCount: Number(row.unread ?? 0),
      adminReadSeq: readThrough(row.adminUnreadFrom, seq),
      userReadSeq: readThrough(row.userUnreadFrom, seq),
    });
  }
  return summaries;
}

/** UPDATE … FROM (VALUES …): VALUES columns are column1…column7 on SQLite and PostgreSQL alike. */
async function writeSummaries(db: Kysely<ImportTables>, summaries: ChatSummary[]): Promise<void> {
  for (let i = 0; i < summaries.length; i += CHATS_PER_UPDATE) {
    const values = sql.join(
      summaries
        .slice(i, i + CHATS_PER_UPDATE)
        .map(
          (s) =>
            sql`(${s.chatId}, ${s.lastSeq}, ${s.lastMessage}, ${s.lastMessageAt}, ${s.unreadCount}, ${s.adminReadSeq}, ${s.userReadSeq})`,
        ),
    );
    await sql`UPDATE chats SET
        ${sql.ref('lastSeq')} = CAST(v.column2 AS integer),
        ${sql.ref('lastMessage')} = v.column3,
        ${sql.ref('lastMessageAt')} = v.column4,
        ${sql.ref('unreadCount')} = CAST(v.column5 AS integer),
        ${sql.ref('adminReadSeq')} = CAST(v.column6 AS integer),
        ${sql.ref('userReadSeq')} = CAST(v.column7 AS integer)
      FROM (VALUES ${values}) AS v
      WHERE chats.id = v.column1`.execute(db);
  }
}

export async function recomputeChats(db: Kysely<ImportTables>, chatIds: string[]): Promise<void> {
  for (let i = 0; i < chatIds.length; i += CHATS_PER_UPDATE) {
    await writeSummaries(db, await readSummaries(db, chatIds.slice(i, i + CHATS_PER_UPDATE)));
  }
}
