/** Reading the audit log (superadmins). Entries are written only by the changes they record. */

import type { Actor } from '../auth/actor.js';
import { Forbidden, InvalidInput } from '../errors.js';
import type { AuditEntryWire } from '../schemas/shapes.js';
import { LIMITS } from '../schemas/vocabulary.js';
import { storedRange } from '../time/instant-range.js';
import type { AuditEntry } from './chain.js';
import type { AuditLog } from './log.js';
import { mayReadAuditLog } from './permissions.js';

export interface AuditQueryInput {
  chatId?: string | undefined;
  actorId?: string | undefined;
  action?: AuditEntry['action'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Where a page ended: the last entry's time and id, opaque to clients. */
function encodeCursor(entry: AuditEntry): string {
  return Buffer.from(JSON.stringify([entry.at, entry.id])).toString('base64url');
}

/** An entry's time as the server writes it (toISOString) and its id (ids.ts). */
const ENTRY_ID = /^[0-9a-f]{24}$/;
const isEntryTime = (at: string) => {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at;
};

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value;
      // What encodeCursor writes and nothing else: a pair of other strings compared as text
      // paged from nowhere (and a NUL in one was a 500 on PostgreSQL).
      if (
        typeof at === 'string' &&
        typeof id === 'string' &&
        isEntryTime(at) &&
        ENTRY_ID.test(id)
      ) {
        return { at, id };
      }
    }
  } catch {
    // Not JSON: reported below like any other cursor this server did not make.
  }
  throw new InvalidInput(
    "cursor: not a cursor this server gave (use the previous page's nextCursor)",
  );
}

function toWire(entry: AuditEntry): AuditEntryWire {
  return { ...entry, details: { ...entry.details } };
}

export async function listAuditEntries(
  { store }: { store: { audit: AuditLog } },
  actor: Actor,
  query: AuditQueryInput,
): Promise<{ entries: AuditEntryWire[]; nextCursor: string | null }> {
  if (!mayReadAuditLog(actor)) throw new Forbidden('Only superadmins may read the audit log');
  const { from, to } = storedRange(query);
  const limit = Math.min(query.limit ?? LIMITS.logPageDefault, LIMITS.logPageMax);
  const page = await store.audit.list({
    chatId: query.chatId,
    actorId: query.actorId,
    action: query.action,
    from,
    to,
    before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit,
  });
  const last = page.entries.at(-1);
  return {
    entries: page.entries.map(toWire),
    nextCursor: page.hasMore && last ? encodeCursor(last) : null,
  };
}
