/** Reading the audit log (superadmins). Entries are written only by the changes they record. */
import type { Actor } from '../auth/actor.js';
import { Forbidden, InvalidInput } from '../errors.js';
import type { AuditEntryWire } from '../schemas/shapes.js';
import { isStorableText } from '../schemas/text-rules.js';
import { LIMITS } from '../schemas/vocabulary.js';
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

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value;
      // Storable text, as any query value must be (PostgreSQL refuses a NUL: it was a 500).
      if (
        typeof at === 'string' &&
        typeof id === 'string' &&
        isStorableText(at) &&
        isStorableText(id)
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
  const limit = Math.min(query.limit ?? LIMITS.auditPageDefault, LIMITS.auditPageMax);
  const page = await store.audit.list({
    chatId: query.chatId,
    actorId: query.actorId,
    action: query.action,
    from: query.from,
    to: query.to,
    before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit,
  });
  const last = page.entries.at(-1);
  return {
    entries: page.entries.map(toWire),
    nextCursor: page.hasMore && last ? encodeCursor(last) : null,
  };
}
