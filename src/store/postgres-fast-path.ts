/**
 * PostgreSQL's hot path: a whole batch of appends as ONE statement (one round trip, one
 * implicit transaction, one WAL flush). Its CTEs find earlier duplicates, bump every
 * chat's lastSeq by its count (row locks decide concurrent batches on other nodes),
 * number the new messages from there in submission order, and insert them.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { newId } from '../ids.js';
import type { Message } from '../schemas/shapes.js';
import { toChat, toMessage } from './rows.js';
import type { ChatsTable, Database, MessagesTable } from './schema.js';
import type { AppendResult, MessageDraft } from './store.js';

const keyOf = (chatId: string, clientMessageId: string) => `${chatId}\u0000${clientMessageId}`;

/** One result row: the stored or earlier message, and the chat row (as jsonb, same columns). */
interface Row {
  kind: 'stored' | 'duplicate';
  message: Selectable<MessagesTable>;
  chat: Selectable<ChatsTable> | null;
}

export function postgresFastPath(db: Kysely<Database>) {
  return {
    async appendBatch(drafts: MessageDraft[]): Promise<AppendResult[]> {
      const at = new Date().toISOString();
      // Repeats of one key inside the batch: only the first is sent; the rest copy its result.
      const repeatOf = new Map<number, number>();
      const firstOfKey = new Map<string, number>();
      const sent: number[] = [];
      drafts.forEach((d, i) => {
        if (d.clientMessageId !== null) {
          const key = keyOf(d.chatId, d.clientMessageId);
          const first = firstOfKey.get(key);
          if (first !== undefined) {
            repeatOf.set(i, first);
            return;
          }
          firstOfKey.set(key, i);
        }
        sent.push(i);
      });
      const ids = sent.map(() => newId());
      const pick = <T>(f: (d: MessageDraft) => T) => sent.map((i) => f(drafts[i] as MessageDraft));

      const { rows } = await sql<Row>`
        WITH input AS (
          SELECT * FROM unnest(
            ${ids}::text[], ${pick((d) => d.chatId)}::text[], ${sent}::int[],
            ${pick((d) => d.senderId)}::text[], ${pick((d) => d.senderType)}::text[],
            ${pick((d) => d.senderName)}::text[], ${pick((d) => d.content)}::text[],
            ${pick((d) => d.messageType)}::text[], ${pick((d) => d.fileUrl)}::text[],
            ${pick((d) => d.clientMessageId)}::text[], ${pick((d) => d.effect.lastMessage)}::text[],
            ${pick((d) => d.effect.unreadIncrement)}::int[]
          ) AS t(id, chat, ord, sid, stype, sname, body, mtype, furl, cmid, preview, unread)
        ),
        earlier AS (
          SELECT m.* FROM messages m JOIN input i ON m."chatId" = i.chat AND m."clientMessageId" = i.cmid
        ),
        fresh AS (
          SELECT i.* FROM input i
          WHERE i.cmid IS NULL OR NOT EXISTS (
            SELECT 1 FROM earlier e WHERE e."chatId" = i.chat AND e."clientMessageId" = i.cmid)
        ),
        per_chat AS (
          SELECT chat, count(*)::int AS k, (array_agg(preview ORDER BY ord DESC))[1] AS preview,
                 sum(unread)::int AS unread
          FROM fresh GROUP BY chat
        ),
        bumped AS (
          UPDATE chats c SET "lastSeq" = c."lastSeq" + p.k, "lastMessage" = p.preview,
            "lastMessageAt" = ${at}, "unreadCount" = c."unreadCount" + p.unread, "updatedAt" = ${at}
          FROM per_chat p WHERE c.id = p.chat AND c.status <> 'closed'
          RETURNING c.*, p.k
        ),
        numbered AS (
          SELECT f.*, b."lastSeq" - b.k + row_number() OVER (PARTITION BY f.chat ORDER BY f.ord) AS seq
          FROM fresh f JOIN bumped b ON b.id = f.chat
        ),
        inserted AS (
          INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content,
            "messageType", "fileUrl", "isRead", "readAt", "clientMessageId", "createdAt", "updatedAt")
          SELECT id, chat, seq, sid, stype, sname, body, mtype, furl, 0, NULL, cmid, ${at}, ${at}
          FROM numbered
          RETURNING *
        )
        SELECT 'stored' AS kind, to_jsonb(i.*) AS message, to_jsonb(b.*) - 'k' AS chat
          FROM inserted i JOIN bumped b ON b.id = i."chatId"
        UNION ALL
        SELECT 'duplicate', to_jsonb(e.*), NULL FROM earlier e`.execute(db);

      const byId = new Map<string, Row>();
      const byKey = new Map<string, Message>();
      for (const row of rows) {
        if (row.kind === 'stored') byId.set(row.message.id, row);
        else
          byKey.set(
            keyOf(row.message.chatId, row.message.clientMessageId ?? ''),
            toMessage(row.message),
          );
      }
      const results: AppendResult[] = new Array(drafts.length);
      sent.forEach((i, n) => {
        const d = drafts[i] as MessageDraft;
        const stored = byId.get(ids[n] as string);
        const earlier =
          d.clientMessageId === null ? undefined : byKey.get(keyOf(d.chatId, d.clientMessageId));
        if (stored?.chat)
          results[i] = {
            kind: 'stored',
            message: toMessage(stored.message),
            chat: toChat(stored.chat),
          };
        else if (earlier) results[i] = { kind: 'duplicate', message: earlier };
        else results[i] = { kind: 'rejected' };
      });
      for (const [i, first] of repeatOf) {
        const original = results[first] as AppendResult;
        results[i] =
          original.kind === 'stored' ? { kind: 'duplicate', message: original.message } : original;
      }
      return results;
    },
  };
}
