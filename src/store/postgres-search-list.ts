/**
 * PostgreSQL's search index takes new entries into a pending list (GIN's fastupdate; 512 kB,
 * migration 0029), and whichever insert fills the list merges all of it in its own
 * statement: a send batch, which then held every send of its lane for 18-48 ms every few
 * thousand messages. Each node's search indexer (search/indexer.ts) merges the list on its
 * ticks instead, so the list never fills on a send; an insert that fills it while a merge
 * runs does not wait (PostgreSQL skips its own merge then).
 *
 * One node merges at a time (an advisory lock tried, never waited for: the others' ticks
 * pass). A role that does not own the index may not merge it (PostgreSQL asks for the
 * index's owner): the statement then does nothing and the inserts merge the list, as before.
 */
import { type Kysely, sql } from 'kysely';

/** Any fixed number: the key of the one-node-at-a-time lock (a bigint key, as the import's). */
export const PENDING_LIST_LOCK = 0x7365_6172_6368;

/** Merges message_search_terms' pending list into the index: the pages it emptied. */
export async function mergeSearchPendingList<Tables>(db: Kysely<Tables>): Promise<number> {
  // The index resolved by the search path, as the migrations created it.
  const { rows } = await sql<{ pages: number | string }>`
    SELECT gin_clean_pending_list(terms.oid) AS pages
    FROM pg_class terms
    WHERE terms.oid = to_regclass('message_search_terms')
      AND pg_has_role(terms.relowner, 'USAGE')
      AND pg_try_advisory_xact_lock(${PENDING_LIST_LOCK})`.execute(db);
  return Number(rows[0]?.pages ?? 0);
}
