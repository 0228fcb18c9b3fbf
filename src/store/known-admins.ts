/**
 * The admins the server knows (table known_admins, migration 0007): what a transfer's
 * target is checked against, and what the console's transfer picker lists. A row is
 * written when an admin connects or acts, at most once per admin per process (the memory
 * of who was written is src/admins/known-admins.ts), never per message.
 */
import type { Kysely } from 'kysely';
import { chatIsOpen } from './chat-sql.js';
import type { Database } from './schema.js';
import type { AdminRef, SeenAdmin } from './store.js';

export async function recordAdmin(db: Kysely<Database>, admin: AdminRef, at: string) {
  await db
    .insertInto('known_admins')
    .values({ id: admin.id, name: admin.name, firstSeenAt: at, lastSeenAt: at })
    // A nameless sighting (a token without a name) keeps the name already recorded.
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet(admin.name ? { name: admin.name, lastSeenAt: at } : { lastSeenAt: at }),
    )
    .execute();
}

/**
 * Recorded, or holding an open chat: chats imported from v2 name admins who may not have
 * connected since. Both are primary-key or partial-index lookups (chats_open_by_admin).
 */
export async function adminIsKnown(db: Kysely<Database>, adminId: string): Promise<boolean> {
  const recorded = await db
    .selectFrom('known_admins')
    .select('id')
    .where('id', '=', adminId)
    .executeTakeFirst();
  if (recorded) return true;
  const holding = await db
    .selectFrom('chats')
    .select('id')
    .where('assignedAdminId', '=', adminId)
    .where(chatIsOpen.where)
    .limit(1)
    .executeTakeFirst();
  return holding !== undefined;
}

/** The name an admin was last recorded with: a primary-key lookup. */
export async function knownAdminName(
  db: Kysely<Database>,
  adminId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('known_admins')
    .select('name')
    .where('id', '=', adminId)
    .executeTakeFirst();
  return row?.name;
}

/** Most recently seen first, in index order (known_admins_by_last_seen). */
export function knownAdmins(db: Kysely<Database>, max: number): Promise<SeenAdmin[]> {
  return db
    .selectFrom('known_admins')
    .select(['id', 'name', 'lastSeenAt'])
    .orderBy('lastSeenAt', 'desc')
    .orderBy('id', 'desc')
    .limit(max)
    .execute();
}
