/**
 * Another PostgreSQL connection in the middle of an erasure's holdErasure (store/privacy.ts):
 * the user's erasure lock taken exclusive and the hold written, not committed yet. What the
 * tests check waits on it; they COMMIT (or ROLLBACK) on `other` to let it go.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ERASURE_LOCK_CLASS } from '../../src/store/privacy.js';

export async function holdWrittenNotCommitted(other: pg.Client, userId: string): Promise<void> {
  await other.query('BEGIN');
  await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ERASURE_LOCK_CLASS, userId]);
  await other.query('INSERT INTO erasure_holds (id, "userId", "heldAt") VALUES ($1, $2, $3)', [
    `hold-${randomUUID()}`,
    userId,
    new Date().toISOString(),
  ]);
}
