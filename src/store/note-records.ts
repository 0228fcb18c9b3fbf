/**
 * Internal notes' store operations. A note is one row of its own table, written by one
 * statement that reads the chat's lastSeq as its afterSeq: no seq is taken, the chat row
 * is not written (its lastMessage and unreadCount stay), so a note costs the message path
 * nothing. A retry with the same clientMessageId finds the note stored the first time.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ChatAudit } from '../audit/chain.js';
import { newId } from '../ids.js';
import type { Note } from '../schemas/shapes.js';
import { appendAudit } from './audit-log.js';
import type { Database, NotesTable } from './schema.js';

export interface NoteDraft {
  chatId: string;
  senderId: string;
  senderName: string;
  content: string;
  clientMessageId: string | null;
}

export type NoteResult =
  | { kind: 'stored'; note: Note }
  /** A note of this chat had the clientMessageId already (its sender may be someone else). */
  | { kind: 'duplicate'; note: Note }
  | { kind: 'chatNotFound' };

/** The notes of one chat placed after a seq range: afterSeq from `from` to `to` (null: no end). */
export interface NoteRange {
  chatId: string;
  from: number;
  to: number | null;
  max: number;
}

/** Where a page of notes ended: its last note's place in the order. */
export interface NoteKey {
  afterSeq: number;
  createdAt: string;
  id: string;
}

export interface NoteRecords {
  /** With `audit`, its entry in the chat's chain is written in the same transaction (a new note only). */
  append(draft: NoteDraft, audit?: ChatAudit): Promise<NoteResult>;
  /** Ordered by afterSeq, then time; `max` at most. */
  inRange(range: NoteRange): Promise<Note[]>;
  /**
   * The chat's notes after `after` in the order inRange gives (afterSeq, time, id), `limit`
   * at most: a reader that must see every note (a transcript) pages through with it.
   */
  page(chatId: string, after: NoteKey | null, limit: number): Promise<Note[]>;
}

type Guard = <T>(work: () => Promise<T>) => Promise<T>;

export function toNote(row: Selectable<NotesTable>): Note {
  return {
    _id: row.id,
    chatId: row.chatId,
    afterSeq: Number(row.afterSeq),
    senderId: row.senderId,
    senderName: row.senderName,
    content: row.content,
    createdAt: row.createdAt,
  };
}

export function kyselyNoteRecords(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  guard: Guard,
  auditKey: () => Promise<string>,
): NoteRecords {
  const byClientId = (chatId: string, clientMessageId: string) =>
    db
      .selectFrom('notes')
      .selectAll()
      .where('chatId', '=', chatId)
      .where('clientMessageId', '=', clientMessageId)
      .executeTakeFirst();

  return {
    append: (draft, audit) =>
      guard(async () => {
        const text = (v: string | null) => sql<string>`CAST(${v} AS text)`;
        // One statement: afterSeq is the lastSeq of the chat row it finds (none: no note).
        const insert = (into: Kysely<Database>) =>
          into
            .insertInto('notes')
            .columns([
              'id',
              'chatId',
              'afterSeq',
              'senderId',
              'senderName',
              'content',
              'clientMessageId',
              'createdAt',
            ])
            .expression(
              into
                .selectFrom('chats')
                .select([
                  text(newId()).as('id'),
                  'id as chatId',
                  'lastSeq as afterSeq',
                  text(draft.senderId).as('senderId'),
                  text(draft.senderName).as('senderName'),
                  text(draft.content).as('content'),
                  text(draft.clientMessageId).as('clientMessageId'),
                  text(new Date().toISOString()).as('createdAt'),
                ])
                .where('id', '=', draft.chatId)
                // PostgreSQL: the chat row held (key share: appends' updates pass) until the
                // note commits. Retention and erasure lock the chat before they delete its
                // notes: they skip it for now (retention) or wait (erasure) and take the note
                // along, or went first and the note finds no chat. Without it a note written
                // between retention's delete of the notes and of the chat outlived both.
                // SQLite writes one at a time.
                .$if(kind === 'postgres', (q) => q.forKeyShare()),
            )
            .onConflict((oc) => oc.columns(['chatId', 'clientMessageId']).doNothing())
            .returningAll()
            .executeTakeFirst();
        const key = audit && (await auditKey());
        const inserted =
          audit === undefined || key === undefined
            ? await insert(db)
            : await db.transaction().execute(async (trx) => {
                const row = await insert(trx);
                if (row) {
                  await appendAudit(
                    trx,
                    key,
                    {
                      ...audit,
                      chatId: row.chatId,
                      details: { ...audit.details, noteId: row.id, afterSeq: Number(row.afterSeq) },
                    },
                    row.createdAt,
                  );
                }
                return row;
              });
        if (inserted) return { kind: 'stored', note: toNote(inserted) };
        const existing =
          draft.clientMessageId === null
            ? undefined
            : await byClientId(draft.chatId, draft.clientMessageId);
        return existing ? { kind: 'duplicate', note: toNote(existing) } : { kind: 'chatNotFound' };
      }),

    inRange: ({ chatId, from, to, max }) =>
      guard(async () => {
        let query = db
          .selectFrom('notes')
          .selectAll()
          .where('chatId', '=', chatId)
          .where('afterSeq', '>=', from);
        if (to !== null) query = query.where('afterSeq', '<=', to);
        const rows = await query
          .orderBy('afterSeq', 'asc')
          .orderBy('createdAt', 'asc')
          .orderBy('id', 'asc')
          .limit(max)
          .execute();
        return rows.map(toNote);
      }),
    page: (chatId, after, limit) => guard(() => notesPage(db, chatId, after, limit)),
  };
}

/** The chat's notes after `after` in note order (afterSeq, time, id), `limit` at most. */
export async function notesPage(
  db: Kysely<Database>,
  chatId: string,
  after: NoteKey | null,
  limit: number,
): Promise<Note[]> {
  let query = db.selectFrom('notes').selectAll().where('chatId', '=', chatId);
  if (after !== null) {
    query = query.where((eb) =>
      eb.or([
        eb('afterSeq', '>', after.afterSeq),
        eb.and([eb('afterSeq', '=', after.afterSeq), eb('createdAt', '>', after.createdAt)]),
        eb.and([
          eb('afterSeq', '=', after.afterSeq),
          eb('createdAt', '=', after.createdAt),
          eb('id', '>', after.id),
        ]),
      ]),
    );
  }
  const rows = await query
    .orderBy('afterSeq', 'asc')
    .orderBy('createdAt', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toNote);
}
