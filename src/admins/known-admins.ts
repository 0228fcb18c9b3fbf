/**
 * The admins the server knows, and which of them are connected. An admin is recorded
 * (store.recordAdmin) when this process first sees them connect (join-admin) or act
 * (take, lock, transfer, unlock, close, the lists): once per admin per process, not per
 * action or message, and again only when they use another name. A transfer's target must
 * be known (src/chats/use-cases.ts), so a mistyped id cannot orphan a chat.
 */
import { type Actor, isAdmin } from '../auth/roles.js';
import type { Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';

export interface Admins {
  /** An admin connected or acted. Never fails its caller: a failed write is tried again next time. */
  seen(actor: Actor): Promise<void>;
  /** Ids of the admins connected now (on every node that answers in time). */
  online(): Promise<ReadonlySet<string>>;
}

interface Written {
  name: string;
  done: Promise<void>;
}

export function knownAdmins(
  store: Store,
  online: () => Promise<ReadonlySet<string>>,
  max: number = TUNABLES.knownAdminsRememberedMax.value,
): Admins {
  // Insertion order is first-written order: the oldest entry goes first when full.
  const written = new Map<string, Written>();
  return {
    online,
    seen(actor) {
      if (actor.kind !== 'person' || !isAdmin(actor)) return Promise.resolve();
      const known = written.get(actor.id);
      // A call that names nobody (a token without a name) keeps the name already written.
      if (known && (known.name === actor.name || actor.name === '')) return known.done;
      const entry: Written = { name: actor.name, done: Promise.resolve() };
      entry.done = store.recordAdmin({ id: actor.id, name: actor.name }).catch(() => {
        if (written.get(actor.id) === entry) written.delete(actor.id);
      });
      written.delete(actor.id);
      written.set(actor.id, entry);
      const oldest = written.keys().next();
      if (written.size > max && !oldest.done) written.delete(oldest.value);
      return entry.done;
    },
  };
}
