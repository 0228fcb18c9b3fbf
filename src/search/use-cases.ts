/**
 * Search (docs/protocol.md, Search): admins and superadmins find messages by their words, prefixes
 * and exact digit strings, and chats by their user's id or name, in the chats they may
 * view (the store puts the view rule in the query: store/search.ts). A read: nothing
 * changes, nothing is published.
 */

import { createHash } from 'node:crypto';
import { linksFor, withAttachments } from '../attachments/wire.js';
import type { Actor } from '../auth/actor.js';
import { withCustomerContexts } from '../chats/customer-context.js';
import { assertIsAdmin } from '../chats/rules.js';
import { InvalidInput } from '../errors.js';
import type { MessageDeps } from '../messages/use-cases.js';
import type { ChatStatus } from '../schemas/shapes.js';
import { isStorableText } from '../schemas/text-rules.js';
import { LIMITS } from '../schemas/vocabulary.js';
import type { SearchCursor } from '../store/search.js';
import { storedRange } from '../time/instant-range.js';
import { highlightOf, parseQuery } from './rules.js';

export interface SearchInput {
  q: string;
  status?: ChatStatus | undefined;
  label?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * Which search a cursor continues: its words and filters, sealed into the cursor, so that
 * a cursor given with another search is refused instead of answering that search from the
 * middle of a list it never started.
 */
function searchKey(input: SearchInput): string {
  const { q, status, label, from, to } = input;
  const key = JSON.stringify([q.trim(), status ?? null, label?.trim() ?? null, from, to]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/** The cursor as the client holds it: opaque, URL-safe. */
export function encodeCursor(cursor: SearchCursor, key: string): string {
  const value = [cursor.phase, cursor.at, cursor.id, key];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(text: string, key: string): SearchCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 4 && value[3] === key) {
      const [phase, at, id] = value;
      // Storable text, as any query value must be (PostgreSQL refuses a NUL: it was a 500).
      if (
        (phase === 'chats' || phase === 'messages') &&
        ((typeof at === 'string' && isStorableText(at)) || typeof at === 'number' || at === null) &&
        typeof id === 'string' &&
        isStorableText(id)
      )
        return { phase, at, id };
    }
  } catch {
    // Not JSON: said below.
  }
  throw new InvalidInput('cursor: not a cursor this search gave');
}

export async function searchChats(deps: MessageDeps, actor: Actor, input: SearchInput) {
  const { store, attachments, admins } = deps;
  assertIsAdmin(actor);
  const { from, to } = storedRange(input);
  await admins.seen(actor);
  const phrases = parseQuery(input.q);
  const key = searchKey(input);
  const page = await store.search({
    phrases,
    text: input.q,
    viewer: actor,
    status: input.status,
    label: input.label,
    from,
    to,
    limit: input.limit ?? LIMITS.searchDefaultLimit,
    cursor: input.cursor === undefined ? undefined : decodeCursor(input.cursor, key),
  });
  const messages = await withAttachments(
    store,
    linksFor(attachments, actor),
    page.hits.flatMap((h) => (h.message ? [h.message] : [])),
  );
  const byId = new Map(messages.map((m) => [m._id, m]));
  // Chats in a reply to an admin carry their customer's context, as the lists give it.
  const chats = await withCustomerContexts(
    deps,
    actor,
    page.hits.map((h) => h.chat),
  );
  const results = chats.map((chat, i) => {
    const message = page.hits[i]?.message;
    const found = message && byId.get(message._id);
    const highlight = highlightOf(found ? found.content : chat.userName, phrases);
    return {
      chat,
      ...(found ? { message: found } : {}),
      ...(highlight ? { highlight } : {}),
    };
  });
  return { results, nextCursor: page.next ? encodeCursor(page.next, key) : null };
}
