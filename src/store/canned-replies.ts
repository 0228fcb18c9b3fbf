/**
 * Canned replies (table canned_replies, migration 0013). The unique index on (scope,
 * ownerId, shortcutKey) decides a race between two writers of one shortcut: the loser's
 * statement fails (and its transaction with its audit entry), and the store answers it as
 * `shortcutTaken`, never as an error.
 */
import type { Kysely } from 'kysely';
import { sameWordKey } from '../schemas/text-rules.js';
import type { CannedScope } from '../schemas/vocabulary.js';
import type { CannedRepliesTable, Database } from './schema.js';
import type { CannedReplyFields, CannedReplyRecord } from './store.js';

/** A team reply's ownerId in the table (see migration 0013). */
const TEAM = '';

const toRecord = (row: CannedRepliesTable): CannedReplyRecord => ({
  id: row.id,
  scope: row.scope,
  ownerId: row.scope === 'team' ? null : row.ownerId,
  shortcut: row.shortcut,
  title: row.title,
  content: row.content,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const columnsOf = (fields: CannedReplyFields) => ({
  scope: fields.scope,
  ownerId: fields.scope === 'team' ? TEAM : (fields.ownerId ?? TEAM),
  shortcut: fields.shortcut,
  shortcutKey: sameWordKey(fields.shortcut),
  title: fields.title,
  content: fields.content,
});

/** The team's replies and `ownerId`'s own, by shortcut (team first on a tie). */
export async function cannedRepliesOf(
  db: Kysely<Database>,
  ownerId: string | null,
  max: number,
): Promise<CannedReplyRecord[]> {
  const rows = await db
    .selectFrom('canned_replies')
    .selectAll()
    .where((eb) =>
      ownerId === null
        ? eb('scope', '=', 'team')
        : eb.or([
            eb('scope', '=', 'team'),
            eb.and([eb('scope', '=', 'personal'), eb('ownerId', '=', ownerId)]),
          ]),
    )
    .orderBy('shortcutKey')
    .orderBy('scope', 'desc')
    .orderBy('id')
    .limit(max)
    .execute();
  return rows.map(toRecord);
}

export async function cannedReplyById(
  db: Kysely<Database>,
  id: string,
): Promise<CannedReplyRecord | undefined> {
  const row = await db
    .selectFrom('canned_replies')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function countCannedReplies(
  db: Kysely<Database>,
  scope: CannedScope,
  ownerId: string | null,
): Promise<number> {
  const row = await db
    .selectFrom('canned_replies')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('scope', '=', scope)
    .where('ownerId', '=', scope === 'team' ? TEAM : (ownerId ?? TEAM))
    .executeTakeFirstOrThrow();
  // PostgreSQL's count is a bigint, which its driver hands over as a string.
  return Number(row.n);
}

/** A shortcut already taken fails the statement (the unique index): the caller answers it. */
export async function insertCannedReply(
  db: Kysely<Database>,
  id: string,
  fields: CannedReplyFields,
  at: string,
): Promise<CannedReplyRecord> {
  const row = await db
    .insertInto('canned_replies')
    .values({ id, ...columnsOf(fields), createdAt: at, updatedAt: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export async function updateCannedReply(
  db: Kysely<Database>,
  id: string,
  fields: CannedReplyFields,
  at: string,
): Promise<CannedReplyRecord | undefined> {
  const row = await db
    .updateTable('canned_replies')
    .set({ ...columnsOf(fields), updatedAt: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function deleteCannedReply(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('canned_replies').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
