/**
 * One migration set for both stores. Types are the portable subset (text, integer) so the
 * same statements run on SQLite and PostgreSQL. Times are ISO-8601 UTC strings with
 * millisecond precision, which sort correctly as text.
 */
import { randomBytes } from 'node:crypto';
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely';
import { exportedUserId } from './audit-log.js';
import { dropInvisibleLabels } from './invisible-labels.js';
import { fillEpochTimes, REPORT_EPOCH_MS, recomputeReportFacts } from './reports.js';
import { composeSearchText } from './search-composition.js';
import { postgresSearchVectorFunction, sqliteSearchText } from './search-text.js';
import { refoldWordKeys } from './word-keys.js';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('chats')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('userId', 'text', (c) => c.notNull())
      .addColumn('userName', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assignedAdminId', 'text')
      .addColumn('assignedAdminName', 'text')
      .addColumn('isLocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lockedByAdminId', 'text')
      .addColumn('lockedByAdminName', 'text')
      .addColumn('lastMessage', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('lastMessageAt', 'text', (c) => c.notNull())
      .addColumn('unreadCount', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('userOnline', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lastSeq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addColumn('updatedAt', 'text', (c) => c.notNull())
      .execute();
    // At most one open chat per user: decided by the database, not by a lookup race.
    await db.schema
      .createIndex('chats_one_open_per_user')
      .on('chats')
      .column('userId')
      .unique()
      .where(sql.ref('status'), '<>', 'closed')
      .execute();
    await db.schema
      .createIndex('chats_by_user')
      .on('chats')
      .columns(['userId', 'lastMessageAt'])
      .execute();
    await db.schema
      .createIndex('chats_by_status')
      .on('chats')
      .columns(['status', 'lastMessageAt'])
      .execute();
    await db.schema
      .createIndex('chats_by_admin')
      .on('chats')
      .columns(['assignedAdminId', 'status'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chatId', 'text', (c) => c.notNull().references('chats.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('senderId', 'text', (c) => c.notNull())
      .addColumn('senderType', 'text', (c) => c.notNull())
      .addColumn('senderName', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('messageType', 'text', (c) => c.notNull())
      .addColumn('fileUrl', 'text')
      .addColumn('isRead', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('readAt', 'text')
      .addColumn('clientMessageId', 'text')
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addColumn('updatedAt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('messages_chat_seq')
      .on('messages')
      .columns(['chatId', 'seq'])
      .unique()
      .execute();
    // Retried sends: NULLs are distinct in a unique index on both databases.
    await db.schema
      .createIndex('messages_chat_client_id')
      .on('messages')
      .columns(['chatId', 'clientMessageId'])
      .unique()
      .execute();
  },
};

/**
 * PostgreSQL checks a foreign key with a trigger that runs one locking query per inserted
 * row: 30% of the database's CPU per message under load (measured, see docs/benchmarks.md). Every
 * write of a message already updates and locks its chat row in the same statement and
 * inserts only where that update found an open chat, and chats are never deleted, so the
 * check proves nothing the statement has not. SQLite's check is an in-process index
 * lookup and stays.
 */
const chatReferenceCheckedByWrites: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql`ALTER TABLE messages DROP CONSTRAINT IF EXISTS "messages_chatId_fkey"`.execute(db);
  },
};

/**
 * Every message rewrites its chat's lastMessageAt; while that column sat in two indexes,
 * each message also moved two index entries (and on PostgreSQL ruled out HOT updates, so
 * all five of the chat's index entries were rewritten). The lists these indexes served
 * are small once filtered (one user's chats) or ordered by a column that never changes
 * (the waiting queue, by createdAt); sorting them by lastMessageAt in memory is cheap.
 */
const chatIndexesWithoutHotColumns: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('chats_by_user').execute();
    await db.schema.dropIndex('chats_by_status').execute();
    await db.schema.createIndex('chats_by_user').on('chats').column('userId').execute();
    await db.schema
      .createIndex('chats_by_status')
      .on('chats')
      .columns(['status', 'createdAt'])
      .execute();
  },
};

/**
 * One row the health probe rewrites after the store refused a write (full disk, read-only
 * file or standby): a `select 1` still succeeds then, so only a committed write as large
 * as a message can tell that the store takes messages again.
 */
const writeProbe: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('write_probe')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('checkedAt', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Mark-read looks for a chat's unread messages of some senders. Through messages_chat_seq
 * that read every message of the chat (60 ms per mark-read of a 300k-message chat, on the
 * event loop with SQLite); a partial index holds only the unread ones, which are few
 * once a chat has been read, and mark-read takes them out of it.
 */
const unreadMessagesIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('messages_unread')
      .on('messages')
      .columns(['chatId', 'senderType'])
      .where(sql.ref('isRead'), '=', 0)
      .execute();
  },
};

/**
 * Chat lists answer a bounded number of chats, found in index order: a user's chats, an
 * admin's open chats, chats of a status and all chats by when they were opened (createdAt never changes, so
 * these indexes cost a message nothing). An admin's list used to read every chat the admin
 * ever held, closed ones too. Ids break ties of createdAt in the index, not in a sort.
 */
const chatListIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('chats_by_user').execute();
    await db.schema
      .createIndex('chats_by_user')
      .on('chats')
      .columns(['userId', 'createdAt', 'id'])
      .execute();
    await db.schema
      .createIndex('chats_by_created')
      .on('chats')
      .columns(['createdAt', 'id'])
      .execute();
    await db.schema.dropIndex('chats_by_status').execute();
    await db.schema
      .createIndex('chats_by_status')
      .on('chats')
      .columns(['status', 'createdAt', 'id'])
      .execute();
    await db.schema.dropIndex('chats_by_admin').execute();
    await db.schema
      .createIndex('chats_open_by_admin')
      .on('chats')
      .columns(['assignedAdminId', 'createdAt', 'id'])
      .where(sql.ref('status'), '<>', 'closed')
      .execute();
  },
};

/**
 * Attachments: their records, their bytes in chunks (the database BlobStore: one row per
 * chunk, so no statement holds a whole file, and SQLite writes one chunk per turn), and a
 * lease table for the work one node at a time does (the sweep of unused uploads).
 */
const attachments: Migration = {
  async up(db: Kysely<unknown>) {
    const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
    await db.schema
      .createTable('attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('uploaderId', 'text', (c) => c.notNull())
      .addColumn('chatId', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('contentType', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('blobKey', 'text', (c) => c.notNull())
      .addColumn('thumbKey', 'text')
      .addColumn('thumbContentType', 'text')
      .addColumn('thumbSize', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addColumn('messageId', 'text')
      .execute();
    await db.schema
      .createIndex('attachments_by_message')
      .on('attachments')
      .column('messageId')
      .where(sql.ref('messageId'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('attachments_by_uploader')
      .on('attachments')
      .column('uploaderId')
      .execute();
    await db.schema
      .createIndex('attachments_unused')
      .on('attachments')
      .column('createdAt')
      .where(sql.ref('messageId'), 'is', null)
      .execute();
    // The sweep of chunks a crashed upload left finds their owner by key.
    await db.schema
      .createIndex('attachments_by_blob')
      .on('attachments')
      .column('blobKey')
      .execute();
    await db.schema
      .createIndex('attachments_by_thumb')
      .on('attachments')
      .column('thumbKey')
      .execute();
    await db.schema
      .createTable('attachment_chunks')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('data', bytes, (c) => c.notNull())
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_chunks_pk', ['key', 'idx'])
      .execute();
    await db.schema
      .createIndex('attachment_chunks_first')
      .on('attachment_chunks')
      .column('createdAt')
      .where(sql.ref('idx'), '=', 0)
      .execute();
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expiresAt', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * The admins the server knows, so that a transfer to an id nobody ever used (a typo) is
 * refused instead of handing the chat to no one. Written when an admin connects or acts,
 * once per admin per process. The admins that existing chats name (holders and lock
 * holders, as v2 recorded them) are known from the start; the index serves the list,
 * most recently seen first (a row is rewritten once per process, so it costs nothing).
 */
const knownAdmins: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('known_admins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('firstSeenAt', 'text', (c) => c.notNull())
      .addColumn('lastSeenAt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('known_admins_by_last_seen')
      .on('known_admins')
      .columns(['lastSeenAt', 'id'])
      .execute();
    for (const [id, name] of [
      ['assignedAdminId', 'assignedAdminName'],
      ['lockedByAdminId', 'lockedByAdminName'],
    ] as const) {
      // SQLite needs the WHERE to read ON CONFLICT as the insert's, not as a join's.
      await sql`
        INSERT INTO known_admins (id, name, "firstSeenAt", "lastSeenAt")
        SELECT ${sql.ref(id)}, MAX(${sql.ref(name)}), MIN("createdAt"), MAX("updatedAt")
        FROM chats
        WHERE ${sql.ref(id)} IS NOT NULL AND ${sql.ref(name)} IS NOT NULL
        GROUP BY ${sql.ref(id)}
        ON CONFLICT (id) DO NOTHING`.execute(db);
    }
  },
};

/**
 * What each admin chose about taking chats, remembered across connections: their
 * availability (null until they join or choose: then the default for their role) and
 * their maxChats (null: the server's default, ROUTING_MAX_CHATS, which may change).
 */
const agentAvailability: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agents')
      .addColumn('adminId', 'text', (c) => c.primaryKey())
      .addColumn('availability', 'text')
      .addColumn('maxChats', 'integer')
      .addColumn('updatedAt', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Routing (ROUTING=auto): when each admin was last given a chat (the tie-break between
 * equally loaded admins), and each chat's latest automatic assignment: to whom, when, and
 * the chat's lastSeq then, so that ROUTING_REPLY_TIMEOUT finds an unanswered one by a
 * range of its own messages. `adminId` is null once the assignment is settled (answered,
 * taken back into the queue, or changed by hand); the partial index holds only the
 * unsettled ones, which the timeout's sweep reads. `skipAdminId`: the admin whose
 * assignment timed out, given the chat again only when nobody else can take it.
 */
const routing: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('agents').addColumn('lastAssignedAt', 'text').execute();
    await db.schema
      .createTable('routed_chats')
      .addColumn('chatId', 'text', (c) => c.primaryKey())
      .addColumn('adminId', 'text')
      .addColumn('assignedAt', 'text', (c) => c.notNull())
      .addColumn('fromSeq', 'integer', (c) => c.notNull())
      .addColumn('skipAdminId', 'text')
      .execute();
    await db.schema
      .createIndex('routed_chats_unsettled')
      .on('routed_chats')
      .column('assignedAt')
      .where(sql.ref('adminId'), 'is not', null)
      .execute();
  },
};

/**
 * A watermark per chat and reader instead of the partial index of unread messages
 * (0005), which every append paid for: 4-18 µs of CPU per message on SQLite, by batch
 * size, up to a tenth of a send (measured, see docs/benchmarks.md). `adminReadSeq` is the highest seq
 * up to which every user message is read (what an admin's read marks); `userReadSeq` the
 * same for admin and system messages (what a user's read marks). A mark-read marks only
 * the range above its reader's watermark, through messages_chat_seq, and moves the
 * watermark in the same transaction; appends never touch them.
 *
 * Columns on chats, not a table of their own: mark-read reads (and an admin's writes) the
 * chat row in its transaction anyway, so the watermark costs no other lookup or index
 * entry; neither column is in an index, so PostgreSQL's updates of the row stay HOT. 0
 * (the default) is always safe: it only makes the next read look at the whole chat.
 *
 * Backfill, from the flags as they are (v2's imports may have read flags with holes: a
 * message left unread among read ones): each watermark is the seq before the reader's
 * oldest unread message, or lastSeq when none is unread. So no unread message is ever
 * below a watermark, and the first read of such a chat marks the holes too. The partial
 * index finds those oldest unread messages, and only then goes.
 */
const readWatermarks: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of ['adminReadSeq', 'userReadSeq']) {
      await db.schema
        .alterTable('chats')
        .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    const oldestUnread = (senderTypes: string) =>
      sql`(SELECT MIN(m.seq) - 1 FROM messages m WHERE m."chatId" = chats.id
        AND m."isRead" = 0 AND m."senderType" IN (${sql.raw(senderTypes)}))`;
    await sql`UPDATE chats SET
        "adminReadSeq" = COALESCE(${oldestUnread(`'user'`)}, "lastSeq"),
        "userReadSeq" = COALESCE(${oldestUnread(`'admin', 'system'`)}, "lastSeq")`.execute(db);
    await db.schema.dropIndex('messages_unread').execute();
  },
};

/** What the server masked in a message before storing it ('pan'); null: nothing. */
const messageRedactions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('messages').addColumn('redacted', 'text').execute();
  },
};

/**
 * Full-text search over message texts and users' names (src/search/). Both indexes cut a
 * text alike: apostrophes (' ` ‘ ’ ʻ ʼ — Uzbek Latin oʻ/gʻ) are dropped, so "o'zbek" and
 * "oʻzbek" are one word; ё is read as е; letters and digits of any script make words, anything else
 * separates; lowercase; no stemming and no stop words, because no one language's rules
 * fit a desk that writes Russian, Uzbek (Latin and Cyrillic) and English in one chat,
 * and ids (88812734, ORD-2024-88812734) must stay exactly as typed. Prefixes stand in
 * for stemming ("refu" finds "refund", "платеж" finds "платежа").
 *
 * PostgreSQL: the 'simple' configuration (lowercase, nothing else) over the text with
 * apostrophes dropped and punctuation turned into spaces first (its parser would read
 * "-2024" as a signed number and "a.b" as a host name), stored per message in
 * `message_search` (id, chatId, terms) with a GIN index, written by a statement trigger
 * on messages, so that every insert — the append's and the v2 importer's — is indexed in
 * its own transaction (one insert per batch: within the noise of the append's CPU), and
 * history reads (select * from messages) carry no vector. SQLite: an FTS5 table
 * with the unicode61 tokenizer (remove_diacritics 0: PostgreSQL's 'simple' keeps accents,
 * and both stores must find the same messages), contentless (the text is not stored
 * twice; the message's id is kept unindexed to join on, so a VACUUM that renumbers rowids
 * cannot show a match as the wrong message; the searches' filters pair rowids, so after
 * one the index is rebuilt, as docs/operations.md says), written for messages by each node's
 * indexer in batches shortly after the append (search_indexed holds how far it got), and
 * for chats by triggers. Its prefix indexes (2 to 8 characters) answer a prefix query from one
 * list in rowid order: without them FTS5 merges the lists of every word with that
 * prefix before it can return the newest match (refund*: 12 ms on 200,000 messages, and
 * growing with the table; with them 0.1 ms), at about twice the insert cost (15 → 31 µs a
 * message in transactions of 5). The chats' user names get the same treatment.
 */
const fullTextSearch: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql.raw(postgresSearchVectorFunction('body')).execute(db);
      // The terms of each message, beside it: a search reads this table's primary key
      // backwards (newest first) and checks the stored terms, where a GIN expression index
      // on messages left every row to be parsed again (a two-word query of common words:
      // 150 ms on 1,000,000 messages, for the lack of a stored vector to check).
      await sql`CREATE TABLE message_search (
          id text PRIMARY KEY, "chatId" text NOT NULL, terms tsvector NOT NULL)`.execute(db);
      await sql`CREATE INDEX message_search_terms ON message_search USING gin (terms)`.execute(db);
      // One trigger call per statement (the append inserts a whole batch in one, the v2
      // importer a group of chats), in the inserting transaction.
      await sql`CREATE FUNCTION message_search_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          INSERT INTO message_search (id, "chatId", terms)
            SELECT id, "chatId", search_vector(content) FROM added;
          RETURN NULL;
        END $fn$`.execute(db);
      await sql`CREATE TRIGGER message_search_add AFTER INSERT ON messages
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION message_search_add()`.execute(db);
      await sql`CREATE FUNCTION message_search_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          DELETE FROM message_search WHERE id = OLD.id;
          IF TG_OP = 'UPDATE' THEN
            INSERT INTO message_search (id, "chatId", terms)
              VALUES (NEW.id, NEW."chatId", search_vector(NEW.content));
          END IF;
          RETURN NULL;
        END $fn$`.execute(db);
      await sql`CREATE TRIGGER message_search_change AFTER UPDATE OF content OR DELETE ON messages
        FOR EACH ROW EXECUTE FUNCTION message_search_change()`.execute(db);
      await sql`INSERT INTO message_search (id, "chatId", terms)
        SELECT id, "chatId", search_vector(content) FROM messages`.execute(db);
      // Statistics at once, so that the planner tells rare words from common ones.
      await sql`ANALYZE message_search`.execute(db);
      await sql`CREATE INDEX chats_search ON chats USING gin (search_vector("userName"))`.execute(
        db,
      );
      return;
    }
    // Messages are indexed after their append, in batches (search/indexer.ts, store/
    // search.ts indexPendingMessages), up to this watermark (a rowid of messages): an FTS5
    // insert in the send's transaction cost every append +131% CPU, since FTS5 writes a
    // segment per transaction and the group commit's transactions are small.
    await sql`CREATE TABLE search_indexed (
        id integer PRIMARY KEY CHECK (id = 1), "indexedThrough" integer NOT NULL)`.execute(db);
    for (const [table, fts, text] of [
      ['messages', 'messages_search', 'content'],
      ['chats', 'chats_search', '"userName"'],
    ] as const) {
      await sql
        .raw(`CREATE VIRTUAL TABLE ${fts} USING fts5(body, ref UNINDEXED, content='',
          contentless_delete=1, contentless_unindexed=1, prefix='2 3 4 5 6 7 8',
          tokenize='unicode61 remove_diacritics 0')`)
        .execute(db);
      const insert = (row: string) =>
        `INSERT INTO ${fts}(rowid, body, ref) VALUES (${row}.rowid, ${sqliteSearchText(`${row}.${text}`)}, ${row}.id);`;
      // A message the indexer has not reached yet has nothing to change: it will read the
      // new text when it gets there.
      const indexed =
        table === 'messages'
          ? 'WHEN old.rowid <= (SELECT "indexedThrough" FROM search_indexed)'
          : '';
      if (table === 'chats')
        await sql
          .raw(`CREATE TRIGGER ${fts}_insert AFTER INSERT ON ${table} BEGIN ${insert('new')} END`)
          .execute(db);
      await sql
        .raw(`CREATE TRIGGER ${fts}_update AFTER UPDATE OF ${text} ON ${table} ${indexed} BEGIN
          DELETE FROM ${fts} WHERE rowid = old.rowid; ${insert('new')} END`)
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER ${fts}_delete AFTER DELETE ON ${table} ${indexed} BEGIN
          DELETE FROM ${fts} WHERE rowid = old.rowid; END`)
        .execute(db);
      await sql
        .raw(
          `INSERT INTO ${fts}(rowid, body, ref) SELECT rowid, ${sqliteSearchText(text)}, id FROM ${table}`,
        )
        .execute(db);
    }
    await sql`INSERT INTO search_indexed (id, "indexedThrough")
      SELECT 1, coalesce(max(rowid), 0) FROM messages`.execute(db);
  },
};

/**
 * The audit log: entries hash-chained per chat and on one desk chain, each chain's end,
 * and the key that seals people in the hashes (random, made here once per database).
 */
const auditLog: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chain', 'text', (c) => c.notNull())
      .addColumn('chainSeq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actorId', 'text', (c) => c.notNull())
      .addColumn('actorRole', 'text', (c) => c.notNull())
      .addColumn('actorName', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('chatId', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('prevHash', 'text', (c) => c.notNull())
      .addUniqueConstraint('audit_log_chain_seq', ['chain', 'chainSeq'])
      .execute();
    await db.schema
      .createIndex('audit_log_by_time')
      .on('audit_log')
      .columns(['at', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_by_chat')
      .on('audit_log')
      .columns(['chatId', 'at', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_by_actor')
      .on('audit_log')
      .columns(['actorId', 'at', 'id'])
      .execute();
    await db.schema
      .createTable('audit_chains')
      .addColumn('chain', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_key')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO audit_key (id, key) VALUES (1, ${randomBytes(32).toString('hex')})`.execute(
      db,
    );
  },
};

/**
 * CSAT, and the customer's context (a user token's `ctx` claim, as JSON). CSAT: a closed chat's one rating (score 1-5, an optional comment, when), and when the chat
 * was closed, which the rating window counts from (updatedAt moves on later reads). Columns
 * on chats, in no index: the rating is read with its chat and written once. Chats closed
 * before this migration count from their updatedAt, the best time the database has.
 */
const chatRatings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('chats').addColumn('closedAt', 'text').execute();
    await db.schema.alterTable('chats').addColumn('ratingScore', 'integer').execute();
    await db.schema.alterTable('chats').addColumn('ratingComment', 'text').execute();
    await db.schema.alterTable('chats').addColumn('ratedAt', 'text').execute();
    // The customer's context from their token (JSON, at most 4 KB), read only by admins' lists.
    await db.schema.alterTable('chats').addColumn('ctx', 'text').execute();
    await sql`UPDATE chats SET "closedAt" = "updatedAt" WHERE status = 'closed'`.execute(db);
  },
};

/**
 * The webhook outbox: one row per event and receiver, written in the transaction of the
 * change, so a node killed after it acknowledged the change loses no event. `seq` is the
 * commit order the deliveries of one chat keep.
 */
const webhookOutbox: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('webhook_outbox')
      .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('chatId', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('nextAttemptAt', 'text', (c) => c.notNull())
      .addColumn('leaseUntil', 'text')
      .addColumn('lastError', 'text')
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addColumn('deliveredAt', 'text')
      .execute();
    // The due ones, in commit order; and what waits before a chat's next event.
    await db.schema
      .createIndex('webhook_outbox_pending')
      .on('webhook_outbox')
      .columns(['status', 'nextAttemptAt', 'seq'])
      .execute();
    await db.schema
      .createIndex('webhook_outbox_by_chat')
      .on('webhook_outbox')
      .columns(['chatId', 'url', 'seq'])
      .execute();
  },
};

/**
 * Lanes by their pending rows only. A delivery waits while its chat and receiver have an
 * earlier pending one; with every message an event, a chat's delivered rows grow without
 * end, and the 0021 index (which holds them all, without status) made that check read a
 * chat's whole delivered history for each due row. The partial index holds pending rows
 * alone (rows leave it when delivered or given up), and serves the lanes' runs too.
 */
const webhookOutboxPendingLanes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('webhook_outbox_pending_lanes')
      .on('webhook_outbox')
      .columns(['chatId', 'url', 'seq'])
      .where(sql.ref('status'), '=', 'pending')
      .execute();
    await db.schema.dropIndex('webhook_outbox_by_chat').execute();
  },
};

/**
 * When each chat was first given to an admin (taken, locked or routed): the queue's
 * estimate is the median of `firstAssignedAt - createdAt` over recently assigned chats.
 * Written once per chat, so its index costs a message nothing; chats assigned before
 * this migration have none and stay out of the estimate.
 */
const chatFirstAssignedAt: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('chats').addColumn('firstAssignedAt', 'text').execute();
    await db.schema
      .createIndex('chats_by_first_assigned')
      .on('chats')
      .column('firstAssignedAt')
      .where(sql.ref('firstAssignedAt'), 'is not', null)
      .execute();
  },
};

/**
 * Internal notes, apart from the messages: a note takes no seq (users never see a gap),
 * never becomes the chat's lastMessage and counts toward no unread count, so nothing of
 * the message path (appends, pages, previews) changes. afterSeq places a note after the
 * message it followed; the index serves a history page's notes (a seq range of one chat).
 * A retried note with the same clientMessageId finds the stored one (NULLs never clash).
 */
const notes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('chatId', 'text', (c) => c.notNull())
      .addColumn('afterSeq', 'integer', (c) => c.notNull())
      .addColumn('senderId', 'text', (c) => c.notNull())
      .addColumn('senderName', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('clientMessageId', 'text')
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notes_by_chat')
      .on('notes')
      .columns(['chatId', 'afterSeq', 'createdAt'])
      .execute();
    await db.schema
      .createIndex('notes_one_per_client_id')
      .on('notes')
      .columns(['chatId', 'clientMessageId'])
      .unique()
      .execute();
  },
};

/**
 * Canned replies, and chat labels. A team reply's ownerId is '' (not NULL) so that the
 * unique index holds one shortcut per scope and owner on both databases (NULLs never
 * collide). Labels live twice: as a JSON array on the chat row, so every chat read (and
 * the chat cache, and the appends' RETURNING) carries them at no extra cost; and one row
 * per label in chat_labels, whose index finds a label's chats newest first without
 * reading any other chat (the filter of GET /api/chats/all).
 */
const cannedRepliesAndLabels: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('canned_replies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('ownerId', 'text', (c) => c.notNull())
      .addColumn('shortcut', 'text', (c) => c.notNull())
      .addColumn('shortcutKey', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('createdAt', 'text', (c) => c.notNull())
      .addColumn('updatedAt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('canned_replies_one_shortcut')
      .on('canned_replies')
      .columns(['scope', 'ownerId', 'shortcutKey'])
      .unique()
      .execute();
    await db.schema
      .alterTable('chats')
      .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema
      .createTable('chat_labels')
      .addColumn('chatId', 'text', (c) => c.notNull())
      .addColumn('labelKey', 'text', (c) => c.notNull())
      .addColumn('chatCreatedAt', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('chat_labels_pk', ['chatId', 'labelKey'])
      .execute();
    await db.schema
      .createIndex('chat_labels_by_label')
      .on('chat_labels')
      .columns(['labelKey', 'chatCreatedAt', 'chatId'])
      .execute();
  },
};

/**
 * Retention and erasure (src/privacy/): the daily purge finds chats closed before its
 * cutoff through an index of closedAt (written once, at close, so no message rewrites
 * it and PostgreSQL's chat updates stay HOT), the closed chats that have none through a
 * partial index, and a purged or erased chat's attachments by their chat (an upload
 * names its chat before any message uses it).
 */
const retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('chats_by_closed_at')
      .on('chats')
      .column('closedAt')
      .where(sql.ref('closedAt'), 'is not', null)
      .execute();
    await db.schema.createIndex('attachments_by_chat').on('attachments').column('chatId').execute();
    // Closed chats without a closedAt (the v2 import writes none), which the purge dates
    // first: empty once dated, and no append changes its columns.
    await db.schema
      .createIndex('chats_closed_undated')
      .on('chats')
      .column('id')
      .where(sql<boolean>`status = 'closed' AND "closedAt" IS NULL`)
      .execute();
  },
};

/**
 * The reports' facts on the chat row (store/reports.ts): when the first admin message was
 * stored, and the user and admin message counters, all set by the UPDATE every append
 * already makes (no statement more per send, no index: PostgreSQL still updates the row in
 * place). Chats written before are filled from their messages here, once (one pass over
 * messages_chat_seq), and their close time where they have none, as 0020 did.
 */
const reportFacts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('chats').addColumn('firstResponseAt', 'text').execute();
    await db.schema
      .alterTable('chats')
      .addColumn('userMessages', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('chats')
      .addColumn('adminMessages', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await recomputeReportFacts(db, undefined, { epoch: false });
  },
};

/**
 * The reports' instants as epoch milliseconds beside their ISO text (store/reports.ts):
 * a year's report read four ISO strings per chat and parsed them, most of its cost
 * (bench/reports.ts). Each is written by the statement that writes its text (the append's
 * own UPDATE for the first response: no statement more per send); the rows before are
 * filled here once. No index: the reports range over chats_by_created.
 */
const reportEpochTimes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const ms of Object.values(REPORT_EPOCH_MS)) {
      await db.schema.alterTable('chats').addColumn(ms, 'bigint').execute();
    }
    await fillEpochTimes(db);
  },
};

/**
 * The desk's exports of a user, by the user: an erasure seals the exports that name the
 * user, and read every `user.exported` entry ever written to find them (one more per
 * export). Partial, so no other entry costs an append anything.
 */
const auditExportsByUser: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await sql`CREATE INDEX audit_log_exports_by_user ON audit_log (${exportedUserId(postgres)})
      WHERE action = 'user.exported'`.execute(db);
  },
};

/**
 * PostgreSQL's search index with a short pending list. A GIN index queues new entries in a
 * list (fastupdate) of up to gin_pending_list_limit, 4 MB by default, and the insert that
 * overflows it merges the whole list into the index in its own statement: on the send
 * path, one append batch every ~40,000 messages took 122-166 ms (the others at most 14-48),
 * a stall every sender of that lane waited out. A list of 512 kB is merged eight times as
 * often in an eighth of the time (longest batch 18-48 ms), for the same database CPU per
 * message, and the v2 import's large inserts still merge their entries in bulk (writing
 * them straight into the index, fastupdate off, cost the import a fifth of its rate).
 * Searches, which read the list whole, read less of it.
 */
const searchIndexShortPendingList: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql`ALTER INDEX message_search_terms SET (gin_pending_list_limit = 512)`.execute(db);
  },
};

/**
 * Whether an agent's availability is their own choice (1: set-availability) or a join's
 * default (0). A join's default never makes anyone routable that a superadmin's join said
 * away: the same admin may join with an admin token on one socket and a superadmin one on
 * another, and a superadmin is routed to only after choosing available. Rows from before
 * count as defaults (a choice was not told apart): the cautious reading, an admin who chose
 * available and later joins as a superadmin chooses again.
 */
const agentAvailabilityChosen: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('agents')
      .addColumn('availabilityChosen', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * The desk's `user.erased` entries by the pseudonym they name, as the exports are (0027):
 * a repeated DELETE of a user who had no chat finds that they were erased.
 */
const erasuresByUser: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await sql`CREATE INDEX audit_log_erasures_by_user ON audit_log (${exportedUserId(postgres)})
      WHERE action = 'user.erased'`.execute(db);
  },
};

/**
 * The erasures under way: while a user has a fresh row here, no chat is opened for them
 * (store/privacy.ts). A row per erasure, so that two DELETEs of one user each hold and end
 * their own; found by user through the index, the one read a chat's opening adds.
 */
const erasureHolds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('erasure_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('userId', 'text', (c) => c.notNull())
      .addColumn('heldAt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('erasure_holds_by_user')
      .on('erasure_holds')
      .columns(['userId', 'heldAt'])
      .execute();
  },
};

/**
 * The chats that hold a customer context, by id: a list's page asks which of its chats have
 * one, and with almost none holding a context PostgreSQL read every chat for that (20,000
 * rows, 4-6 ms of its CPU a page) rather than look up the page's 200 ids. Only those chats
 * are in it: a send to a chat without a context never touches it, and one to a chat with a
 * context only when its row moves (a non-HOT update), as every index of chats then does.
 */
const chatsWithContext: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`CREATE INDEX chats_with_context ON chats (id) WHERE ctx IS NOT NULL`.execute(db);
  },
};

/**
 * Labels and shortcuts compared with Unicode's full case folding (sameWordKey): the keys
 * written with lower case alone, written again (store/word-keys.ts says how repeats end).
 */
const wordKeysFullFold: Migration = {
  up: refoldWordKeys,
};

/** Labels stored before the visible-character rule dropped (store/invisible-labels.ts). */
const invisibleLabels: Migration = {
  up: dropInvisibleLabels,
};

/** Both search indexes read texts and names in NFC (store/search-composition.ts). */
const searchTextComposed: Migration = {
  up: composeSearchText,
};

const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_chat_reference_checked_by_writes': chatReferenceCheckedByWrites,
  '0003_chat_indexes_without_hot_columns': chatIndexesWithoutHotColumns,
  '0004_write_probe': writeProbe,
  '0005_unread_messages_index': unreadMessagesIndex,
  '0006_chat_list_indexes': chatListIndexes,
  '0007_known_admins': knownAdmins,
  '0008_attachments': attachments,
  '0009_agent_availability': agentAvailability,
  '0010_read_watermarks': readWatermarks,
  '0011_routing': routing,
  '0012_notes': notes,
  '0013_canned_replies_and_labels': cannedRepliesAndLabels,
  '0015_chat_first_assigned_at': chatFirstAssignedAt,
  '0017_message_redactions': messageRedactions,
  '0018_full_text_search': fullTextSearch,
  '0019_audit_log': auditLog,
  '0020_chat_ratings_and_context': chatRatings,
  '0021_webhook_outbox': webhookOutbox,
  '0022_report_facts': reportFacts,
  '0023_retention': retention,
  '0024_webhook_outbox_pending_lanes': webhookOutboxPendingLanes,
  '0025_report_epoch_times': reportEpochTimes,
  '0027_audit_exports_by_user': auditExportsByUser,
  '0029_search_index_short_pending_list': searchIndexShortPendingList,
  '0030_agent_availability_chosen': agentAvailabilityChosen,
  '0031_erasures_by_user': erasuresByUser,
  '0032_erasure_holds': erasureHolds,
  '0033_chats_with_context': chatsWithContext,
  '0034_word_keys_full_fold': wordKeysFullFold,
  '0035_invisible_labels': invisibleLabels,
  '0036_search_text_composed': searchTextComposed,
};

/**
 * Features land in parallel and their migrations touch different tables, so a database may
 * have run a later-numbered one before an earlier one arrived: run what is missing, in
 * name order, rather than refuse to start.
 */
const allowUnorderedMigrations = true;

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Migrates up to and including `name` (tests of what a migration does to existing rows). */
export async function migrateTo(db: Kysely<unknown>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider, allowUnorderedMigrations }).migrateTo(name);
  if (error) throw error;
}

/**
 * Whether every migration here has run: a look for Kysely's table, then one read of it.
 * Kysely's own check creates its tables if missing, introspects the schema and takes its
 * lock first (eight statements, PostgreSQL's catalogue read among them), on every start.
 */
async function allApplied(db: Kysely<unknown>): Promise<boolean> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const table = postgres
    ? sql<{ found: string | null }>`SELECT to_regclass('kysely_migration')::text AS found`
    : sql<{ found: string | null }>`SELECT name AS found FROM sqlite_master
        WHERE type = 'table' AND name = 'kysely_migration'`;
  const [exists] = (await table.execute(db)).rows;
  if (!exists?.found) return false;
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  const applied = new Set(rows.map((row) => row.name));
  return Object.keys(migrations).every((name) => applied.has(name));
}

/**
 * Runs pending migrations; Kysely's migration lock makes concurrent starts safe. With none
 * pending there is nothing a concurrent start could race for, so the lock is not taken.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  if (await allApplied(db)) return;
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
