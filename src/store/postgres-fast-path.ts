/**
 * PostgreSQL's hot path: a whole batch of appends in a fixed handful of statements
 * (lock the chats in id order, find earlier duplicates, bump every chat's lastSeq by its
 * count, insert every message), inside one transaction: one commit, one WAL flush.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { newId } from '../ids.js';
import type { Message } from '../schemas/shapes.js';
import { toChat, toMessage } from './rows.js';
import type { ChatsTable, Database, MessagesTable } from './schema.js';
import type { AppendResult, MessageDraft } from './store.js';

const keyOf = (chatId: string, clientMessageId: string) => `${chatId}\u0000${clientMessageId}`;

export function postgresFastPath(db: Kysely<Database>) {
  return {
    appendBatch(drafts: MessageDraft[]): Promise<AppendResult[]> {
      return db.transaction().execute(async (trx) => {
        const at = new Date().toISOString();
        const chatIds = [...new Set(drafts.map((d) => d.chatId))].sort();
        await sql`SELECT id FROM chats WHERE id = ANY(${chatIds}::text[]) ORDER BY id FOR UPDATE`.execute(
          trx,
        );

        const keyed = drafts.filter((d) => d.clientMessageId !== null);
        const earlier = new Map<string, Message>();
        if (keyed.length > 0) {
          const found = await sql<Selectable<MessagesTable>>`
            SELECT m.* FROM messages m
            JOIN unnest(${keyed.map((d) => d.chatId)}::text[], ${keyed.map((d) => d.clientMessageId)}::text[])
              AS k(chat, cmid) ON m."chatId" = k.chat AND m."clientMessageId" = k.cmid`.execute(
            trx,
          );
          for (const row of found.rows)
            earlier.set(keyOf(row.chatId, row.clientMessageId ?? ''), toMessage(row));
        }

        // Which drafts are new: not stored before, and the first of their key in this batch.
        const results: AppendResult[] = new Array(drafts.length);
        const repeatOf = new Map<number, number>();
        const firstOfKey = new Map<string, number>();
        const fresh: number[] = [];
        drafts.forEach((d, i) => {
          if (d.clientMessageId !== null) {
            const key = keyOf(d.chatId, d.clientMessageId);
            const stored = earlier.get(key);
            if (stored) {
              results[i] = { kind: 'duplicate', message: stored };
              return;
            }
            const first = firstOfKey.get(key);
            if (first !== undefined) {
              repeatOf.set(i, first);
              return;
            }
            firstOfKey.set(key, i);
          }
          fresh.push(i);
        });

        // Per chat: how many messages, the last one's preview, the unread increment.
        const perChat = new Map<string, { count: number; last: string; unread: number }>();
        for (const i of fresh) {
          const d = drafts[i] as MessageDraft;
          const entry = perChat.get(d.chatId) ?? { count: 0, last: '', unread: 0 };
          entry.count += 1;
          entry.last = d.effect.lastMessage;
          entry.unread += d.effect.unreadIncrement;
          perChat.set(d.chatId, entry);
        }
        const ids = [...perChat.keys()];
        const bumped = ids.length
          ? await sql<Selectable<ChatsTable>>`
              UPDATE chats c SET "lastSeq" = c."lastSeq" + v.k, "lastMessage" = v.last,
                "lastMessageAt" = ${at}, "unreadCount" = c."unreadCount" + v.unread, "updatedAt" = ${at}
              FROM unnest(${ids}::text[], ${ids.map((id) => perChat.get(id)?.count ?? 0)}::int[],
                          ${ids.map((id) => perChat.get(id)?.last ?? '')}::text[],
                          ${ids.map((id) => perChat.get(id)?.unread ?? 0)}::int[]) AS v(id, k, last, unread)
              WHERE c.id = v.id AND c.status <> 'closed'
              RETURNING c.*`.execute(trx)
          : { rows: [] };
        const chats = new Map(bumped.rows.map((row) => [row.id, row]));

        // Seqs continue from each chat's previous lastSeq, in submission order.
        const nextSeq = new Map<string, number>();
        for (const [id, row] of chats) nextSeq.set(id, row.lastSeq - (perChat.get(id)?.count ?? 0));
        const rows: { index: number; id: string; seq: number }[] = [];
        for (const i of fresh) {
          const d = drafts[i] as MessageDraft;
          const seq = nextSeq.get(d.chatId);
          if (seq === undefined) {
            results[i] = { kind: 'rejected' };
            continue;
          }
          nextSeq.set(d.chatId, seq + 1);
          rows.push({ index: i, id: newId(), seq: seq + 1 });
        }
        if (rows.length > 0) {
          const pick = <T>(f: (d: MessageDraft) => T) =>
            rows.map((r) => f(drafts[r.index] as MessageDraft));
          const inserted = await sql<Selectable<MessagesTable>>`
            INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content,
              "messageType", "fileUrl", "isRead", "readAt", "clientMessageId", "createdAt", "updatedAt")
            SELECT id, chat, seq, sid, stype, sname, body, mtype, furl, 0, NULL, cmid, ${at}, ${at}
            FROM unnest(${rows.map((r) => r.id)}::text[], ${pick((d) => d.chatId)}::text[],
                        ${rows.map((r) => r.seq)}::int[], ${pick((d) => d.senderId)}::text[],
                        ${pick((d) => d.senderType)}::text[], ${pick((d) => d.senderName)}::text[],
                        ${pick((d) => d.content)}::text[], ${pick((d) => d.messageType)}::text[],
                        ${pick((d) => d.fileUrl)}::text[], ${pick((d) => d.clientMessageId)}::text[])
              AS t(id, chat, seq, sid, stype, sname, body, mtype, furl, cmid)
            RETURNING *`.execute(trx);
          const byId = new Map(inserted.rows.map((row) => [row.id, row]));
          for (const r of rows) {
            const row = byId.get(r.id) as Selectable<MessagesTable>;
            const chat = chats.get(row.chatId) as Selectable<ChatsTable>;
            results[r.index] = { kind: 'stored', message: toMessage(row), chat: toChat(chat) };
          }
        }
        for (const [i, first] of repeatOf) {
          const original = results[first] as AppendResult;
          results[i] =
            original.kind === 'stored'
              ? { kind: 'duplicate', message: original.message }
              : original;
        }
        return results;
      });
    },
  };
}
