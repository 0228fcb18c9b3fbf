/**
 * Who may export or erase a user's data, and what retention keeps. Pure: the use cases
 * beside it apply these, the store does what they decide.
 */
import { type Actor, isSuperAdmin } from '../auth/actor.js';
import { Forbidden } from '../errors.js';
import { mayEraseUser, mayExportUser } from './permissions.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What an export shows its caller: notes only to a superadmin (the user never sees notes). */
export interface ExportView {
  withNotes: boolean;
}

/** A superadmin exports anyone with notes; a user exports themself without; anyone else: 403. */
export function exportViewOf(actor: Actor, userId: string): ExportView {
  if (!mayExportUser(actor, userId)) {
    throw new Forbidden("Only the user themself or a superadmin may export a user's data");
  }
  return { withNotes: isSuperAdmin(actor) };
}

export function assertMayErase(actor: Actor): void {
  if (!mayEraseUser(actor)) throw new Forbidden('Only a superadmin may erase a user');
}

/** Chats closed before this time are purged (RETENTION_DAYS whole days before `nowMs`). */
export function retentionCutoff(nowMs: number, days: number): string {
  return new Date(nowMs - days * DAY_MS).toISOString();
}

/** Seq ranges (from, to] of `size` messages covering 1..lastSeq, for erasing in chunks. */
export function seqChunks(lastSeq: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < lastSeq; from += size) out.push([from, Math.min(from + size, lastSeq)]);
  return out;
}
