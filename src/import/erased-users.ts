/**
 * The users erased on the desk (DELETE /api/users/:userId), whom the import must not bring
 * back: a later run of it would store their chats, names and messages again from v2's
 * export, which erasure cannot reach. Known by the pseudonym their `user.erased` entry
 * names (sealed with the database's audit key, as the erasure sealed it), so the import
 * asks of each chat's user whether their pseudonym is among them. Erasures are rare: their
 * pseudonyms are held in memory.
 */
import type { Kysely } from 'kysely';
import { DESK_CHAIN, pseudonym } from '../audit/chain.js';
import { exportedUserId } from '../store/audit-log.js';
import type { ImportTables } from './open-database.js';

export class ErasedUsers {
  private constructor(
    private readonly key: string,
    private readonly sealed: ReadonlySet<string>,
  ) {}

  static async load(db: Kysely<ImportTables>, kind: 'sqlite' | 'postgres'): Promise<ErasedUsers> {
    const key = await db
      .selectFrom('audit_key')
      .select('key')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('audit_log')
      .select(exportedUserId(kind === 'postgres').as('userId'))
      .where('chain', '=', DESK_CHAIN)
      .where('action', '=', 'user.erased')
      .execute();
    return new ErasedUsers(key.key, new Set(rows.map((r) => r.userId)));
  }

  has(userId: string): boolean {
    return this.sealed.size > 0 && this.sealed.has(pseudonym(this.key, userId));
  }
}
