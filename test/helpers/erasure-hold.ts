/**
 * Another PostgreSQL connection in the middle of an erasure's holdErasure (store/privacy.ts):
 * the user's erasure lock taken exclusive and the hold written, not committed yet. What the
 * tests check waits on it; they COMMIT (or ROLLBACK) on `other` to let it go.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ERASURE_LOCK_CLASS } from '../../src/store/privacy.js';
import { waitUntil } from './processes.js';

export async function holdWrittenNotCommitted(other: pg.Client, userId: string): Promise<void> {
  await other.query('BEGIN');
  await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ERASURE_LOCK_CLASS, userId]);
  await other.query('INSERT INTO erasure_holds (id, "userId", "heldAt") VALUES ($1, $2, $3)', [
    `hold-${randomUUID()}`,
    userId,
    new Date().toISOString(),
  ]);
}

/**
 * Until a session of `other`'s database waits for a lock (what a transaction taking the
 * user's erasure lock behind the held one does), or `settled()`: the test then says which.
 */
export async function untilSomeoneWaitsForALock(
  other: pg.Client,
  settled: () => boolean,
): Promise<void> {
  await waitUntil('a session waits for the lock', async () => {
    const { rows } = await other.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return settled() || Number(rows[0]?.n ?? 0) > 0;
  });
}
