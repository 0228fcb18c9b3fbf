/**
 * PostgreSQL's append: a whole batch of appends as ONE prepared statement (one round
 * trip, one implicit transaction, one WAL flush, parsed once per connection). Its CTEs
 * find earlier duplicates, lock the chats' rows, keep the drafts whose sender may write
 * to their chat (writableBy, decided on the locked rows), bump every chat's lastSeq by its
 * count (row locks decide concurrent batches on other nodes), number the new messages
 * from there in submission order, and insert them. It answers with as little as the caller cannot know already:
 * each new message's seq, each touched chat row once, and the earlier duplicates.
 */
import type { Selectable } from 'kysely';
import type pg from 'pg';
import { newId } from '../ids.js';
import type { Chat, Message } from '../schemas/shapes.js';
import { writableBy } from './chat-sql.js';
import { messageCreatedBodyParts, messageCreatedOutboxSql } from './message-webhooks.js';
import {
  MESSAGE_COLUMNS,
  type MessageColumnName,
  newMessageRow,
  quoted,
  toChat,
  toMessage,
} from './rows.js';
import type { ChatsTable, MessagesTable } from './schema.js';
import type { Appender, AppendResult, MessageDraft } from './store.js';

const keyOf = (chatId: string, clientMessageId: string) => `${chatId}\u0000${clientMessageId}`;

type Row =
  | { kind: 'stored'; ord: number; seq: number; row: null }
  | { kind: 'unusable'; ord: number; seq: null; row: null }
  | { kind: 'chat'; ord: null; seq: null; row: Selectable<ChatsTable> }
  | { kind: 'duplicate'; ord: null; seq: null; row: Selectable<MessagesTable> };

/** Each column of the new message rows, as the statement computes it from `numbered`. */
const NEW_MESSAGE: Record<MessageColumnName, string> = {
  id: 'id',
  chatId: 'chat',
  seq: 'seq',
  senderId: 'sid',
  senderType: 'stype',
  senderName: 'sname',
  content: 'body',
  messageType: 'mtype',
  fileUrl: 'furl',
  isRead: '0',
  readAt: 'NULL',
  clientMessageId: 'cmid',
  createdAt: '$13',
  updatedAt: '$13',
  redacted: 'redacted',
};

/** Which statement a batch runs: the extra columns only when a message of it needs them. */
interface StatementKind {
  withAttachments: boolean;
  withRedactions: boolean;
  /** WEBHOOK_URLS set: the batch's message.created events too (message-webhooks.ts). */
  withWebhooks: boolean;
}

/** A batch without masked texts inserts a NULL `redacted` and binds no array for it. */
const NEW_MESSAGE_UNREDACTED: Record<MessageColumnName, string> = {
  ...NEW_MESSAGE,
  redacted: 'NULL',
};

/**
 * The statement, with or without attachments. A batch in which no message carries an
 * attachment runs the plain statement, exactly as before attachments existed; one that
 * does also locks the attachments' rows (FOR UPDATE, like the chats': of two batches using
 * one attachment, the second sees the first's mark), keeps a message only while its
 * attachment is unused, its sender's and of no other chat (the first message of the batch
 * naming it), marks it used by the new message, and answers the messages it refused for that.
 */
function appendBatchSql({ withAttachments, withRedactions, withWebhooks }: StatementKind): string {
  const a = (text: string): string => (withAttachments ? text : '');
  const r = (text: string): string => (withRedactions ? text : '');
  const w = (text: string): string => (withWebhooks ? text : '');
  // The optional parameters follow $14 in this order, each only when its statement has it.
  let next = 15;
  const param = (present: boolean): string => (present ? `$${next++}` : '');
  const redParam = param(withRedactions);
  const attParam = param(withAttachments);
  const [preParam, postParam, urlsParam] = [1, 2, 3].map(() => param(withWebhooks));
  return `
  WITH input AS (
    SELECT * FROM unnest(
      $1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $14::text[]${r(`, ${redParam}::text[]`)}${a(`, ${attParam}::text[]`)}${w(`, ${preParam}::text[], ${postParam}::text[]`)}
    ) AS t(id, chat, ord, sid, stype, sname, body, mtype, furl, cmid, preview, unread, srole${r(', redacted')}${a(', att')}${w(', hpre, hpost')})
  ),
  -- A lateral probe of the unique index, never a join the planner could turn into a scan:
  -- the statement is prepared once, and a plan made while the table was empty would
  -- otherwise scan it for as long as it stays cached (3x the database CPU per message,
  -- measured).
  earlier AS (
    SELECT m.* FROM input i CROSS JOIN LATERAL (
      SELECT * FROM messages m WHERE m."chatId" = i.chat AND m."clientMessageId" = i.cmid OFFSET 0
    ) m
  ),
  fresh AS (
    SELECT i.* FROM input i
    WHERE i.cmid IS NULL OR NOT EXISTS (
      SELECT 1 FROM earlier e WHERE e."chatId" = i.chat AND e."clientMessageId" = i.cmid)
  ),
  -- The rows as they are now, locked until the commit (in id order, so that two nodes'
  -- batches lock alike): a transfer that committed after this statement's snapshot was
  -- taken is seen here, and none can commit before this one does. Probed by primary key
  -- for the same reason as above. NO KEY UPDATE is the lock the UPDATE below takes anyway
  -- (no key changes): as strong against other writers, and no upgrade within the batch.
  locked AS (
    SELECT c.* FROM (SELECT DISTINCT chat FROM fresh ORDER BY chat) f
    CROSS JOIN LATERAL (SELECT * FROM chats WHERE id = f.chat FOR NO KEY UPDATE) c
  ),${a(`
  held AS MATERIALIZED (
    SELECT x.* FROM (SELECT DISTINCT att FROM fresh WHERE att IS NOT NULL ORDER BY att) f
    CROSS JOIN LATERAL (SELECT * FROM attachments WHERE id = f.att FOR NO KEY UPDATE) x
  ),`)}
  allowed AS (
    SELECT f.* FROM fresh f JOIN locked c ON c.id = f.chat
    WHERE ${writableBy.sql('f.srole', 'f.sid')}${a(`
      AND (f.att IS NULL OR (
        f.ord = (SELECT min(g.ord) FROM fresh g WHERE g.att = f.att)
        AND EXISTS (SELECT 1 FROM held x WHERE x.id = f.att AND x."messageId" IS NULL
          AND x."uploaderId" = f.sid AND (x."chatId" IS NULL OR x."chatId" = f.chat))))`)}
  ),
  per_chat AS (
    SELECT chat, count(*)::int AS k, (array_agg(preview ORDER BY ord DESC))[1] AS preview,
           sum(unread)::int AS unread,
           count(*) FILTER (WHERE stype = 'user')::int AS users,
           count(*) FILTER (WHERE stype = 'admin')::int AS admins
    FROM allowed GROUP BY chat
  ),
  -- The reports' facts ride on the same UPDATE (migrations 0022, 0025): no statement more;
  -- the first response's epoch ms is computed only where it is set.
  bumped AS (
    UPDATE chats c SET "lastSeq" = c."lastSeq" + p.k, "lastMessage" = p.preview,
      "lastMessageAt" = $13, "unreadCount" = c."unreadCount" + p.unread, "updatedAt" = $13,
      "userMessages" = c."userMessages" + p.users, "adminMessages" = c."adminMessages" + p.admins,
      "firstResponseAt" = CASE WHEN p.admins > 0 AND c."firstResponseAt" IS NULL THEN $13
        ELSE c."firstResponseAt" END,
      "firstResponseMs" = CASE WHEN p.admins > 0 AND c."firstResponseAt" IS NULL
        THEN round(extract(epoch from $13::text::timestamptz) * 1000)::bigint ELSE c."firstResponseMs" END
    FROM per_chat p WHERE c.id = p.chat
    RETURNING c.*, p.k
  ),
  numbered AS (
    SELECT f.*, b."lastSeq" - b.k + row_number() OVER (PARTITION BY f.chat ORDER BY f.ord) AS seq
    FROM allowed f JOIN bumped b ON b.id = f.chat
  ),
  -- A data-modifying CTE runs once, referenced or not (PostgreSQL's rule).
  inserted AS (
    INSERT INTO messages (${MESSAGE_COLUMNS.map((c) => quoted(c.name)).join(', ')})
    SELECT ${MESSAGE_COLUMNS.map((c) => (withRedactions ? NEW_MESSAGE : NEW_MESSAGE_UNREDACTED)[c.name]).join(', ')}
    FROM numbered
  )${w(`,${messageCreatedOutboxSql(urlsParam ?? '', '$13')}`)}${a(`,
  used AS (
    UPDATE attachments x SET "messageId" = n.id, "chatId" = n.chat FROM numbered n WHERE x.id = n.att
  )`)}
  SELECT 'stored' AS kind, ord, seq::int AS seq, NULL::jsonb AS row FROM numbered
  UNION ALL SELECT 'chat', NULL, NULL, to_jsonb(b.*) - 'k' FROM bumped b
  UNION ALL SELECT 'duplicate', NULL, NULL, to_jsonb(e.*) FROM earlier e${a(`
  UNION ALL SELECT 'unusable', f.ord, NULL, NULL FROM fresh f JOIN locked c ON c.id = f.chat
    WHERE f.att IS NOT NULL AND ${writableBy.sql('f.srole', 'f.sid')}
      AND NOT EXISTS (SELECT 1 FROM allowed x WHERE x.ord = f.ord)`)}`;
}

export const APPEND_BATCH = appendBatchSql({
  withAttachments: false,
  withRedactions: false,
  withWebhooks: false,
});
const statementName = ({ withAttachments, withRedactions, withWebhooks }: StatementKind): string =>
  `append_batch${withAttachments ? '_attachments' : ''}${withRedactions ? '_redacted' : ''}${withWebhooks ? '_webhooks' : ''}`;

/** Each variant's text, made once: prepared once each by name, the plain one as before. */
const statements = new Map<string, string>();
function statementFor(kind: StatementKind): { name: string; text: string } {
  const name = statementName(kind);
  let text = statements.get(name);
  if (text === undefined) {
    text = appendBatchSql(kind);
    statements.set(name, text);
  }
  return { name, text };
}
/** The statement's webhook parameters: each draft's body parts, then the receivers. */
function webhookParams(
  sent: readonly MessageDraft[],
  ids: readonly string[],
  at: string,
  urls: readonly string[],
): [string[], string[], readonly string[]] {
  const pre: string[] = [];
  const post: string[] = [];
  sent.forEach((draft, n) => {
    const [before, after] = messageCreatedBodyParts(draft, ids[n] ?? '', at);
    pre.push(before);
    post.push(after);
  });
  return [pre, post, urls];
}

export function postgresAppender(pool: pg.Pool): Appender {
  return {
    async append(
      drafts: MessageDraft[],
      webhookUrls: readonly string[] = [],
    ): Promise<AppendResult[]> {
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

      const attachments = sent.some((i) => drafts[i]?.attachmentId !== undefined);
      const redactions = sent.some((i) => drafts[i]?.redacted !== undefined);
      const webhooks = webhookUrls.length > 0;
      const { rows } = await pool.query<Row>({
        ...statementFor({
          withAttachments: attachments,
          withRedactions: redactions,
          withWebhooks: webhooks,
        }),
        values: [
          ids,
          pick((d) => d.chatId),
          sent,
          pick((d) => d.senderId),
          pick((d) => d.senderType),
          pick((d) => d.senderName),
          pick((d) => d.content),
          pick((d) => d.messageType),
          pick((d) => d.fileUrl),
          pick((d) => d.clientMessageId),
          pick((d) => d.effect.lastMessage),
          pick((d) => d.effect.unreadIncrement),
          at,
          pick((d) => d.senderRole),
          ...(redactions ? [pick((d) => d.redacted?.join(',') ?? null)] : []),
          ...(attachments ? [pick((d) => d.attachmentId ?? null)] : []),
          ...(webhooks
            ? webhookParams(
                pick((d) => d),
                ids,
                at,
                webhookUrls,
              )
            : []),
        ],
      });

      const seqOf = new Map<number, number>();
      const chats = new Map<string, Chat>();
      const earlier = new Map<string, Message>();
      const unusable = new Set<number>();
      for (const r of rows) {
        if (r.kind === 'stored') seqOf.set(r.ord, r.seq);
        else if (r.kind === 'unusable') unusable.add(r.ord);
        else if (r.kind === 'chat') chats.set(r.row.id, toChat(r.row));
        else if (r.kind === 'duplicate')
          earlier.set(keyOf(r.row.chatId, r.row.clientMessageId ?? ''), toMessage(r.row));
      }
      const results: AppendResult[] = new Array(drafts.length);
      sent.forEach((i, n) => {
        const d = drafts[i] as MessageDraft;
        const seq = seqOf.get(i);
        const chat = chats.get(d.chatId);
        const before =
          d.clientMessageId === null ? undefined : earlier.get(keyOf(d.chatId, d.clientMessageId));
        if (seq !== undefined && chat)
          results[i] = {
            kind: 'stored',
            message: toMessage(newMessageRow(d, ids[n] as string, seq, at)),
            chat,
          };
        else if (before) results[i] = { kind: 'duplicate', message: before };
        else if (unusable.has(i)) results[i] = { kind: 'attachmentUnusable' };
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
